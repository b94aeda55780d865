package io.sluice.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.cli.ServeSession;
import io.sluice.core.project.ProjectLoader;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice serve} in-process: pushes over real HTTP land in the lake and the models. */
class ServeTest {
  @TempDir Path dir;

  @Test
  void pushedRecordsLandInTheLakeQuarantineAndModelsAndGracefulShutdownDrains() throws Exception {
    StreamProject.create(dir);
    HttpClient client = HttpClient.newHttpClient();
    try (ServeSession session =
        ServeSession.start(ProjectLoader.load(dir), Optional.empty(), Map.of(), summary -> {})) {
      assertThat(
              StreamProject.push(
                      client,
                      session.uri(),
                      StreamProject.event("e1", "ann", "10.50")
                          + "\n"
                          + StreamProject.event("e2", "bob", "2")
                          + "\n"
                          + StreamProject.event("e3", "ann", "\"lots\""))
                  .body())
          .isEqualTo("{\"accepted\":3,\"failed\":0,\"errors\":[]}");
      assertThat(
              StreamProject.push(
                      client,
                      session.uri(),
                      StreamProject.event("e4", "bob", "1.25") + "\nnot json")
                  .body())
          .startsWith("{\"accepted\":1,\"failed\":1,");
    }

    assertThat(StreamProject.query(dir, "SELECT id, \"user\", amount FROM lake.events ORDER BY id"))
        .containsExactly(
            List.of("e1", "ann", new BigDecimal("10.50")),
            List.of("e2", "bob", new BigDecimal("2.00")),
            List.of("e4", "bob", new BigDecimal("1.25")));
    assertThat(StreamProject.query(dir, "SELECT * FROM quarantine.events"))
        .singleElement()
        .asString()
        .contains("partition-0, 2, {\"id\":\"e3\"", "value is not a valid decimal(12,2)");
    assertThat(StreamProject.query(dir, "SELECT \"user\", events, amount FROM per_user ORDER BY 1"))
        .containsExactly(
            List.of("ann", 1L, new BigDecimal("10.50")),
            List.of("bob", 2L, new BigDecimal("3.25")));
  }

  @Test
  void refusesToStartWithoutAStreamsToken() throws Exception {
    StreamProject.create(dir);
    Files.writeString(
        dir.resolve("sources/events.yaml"),
        Files.readString(dir.resolve("sources/events.yaml"))
            .replace("token-file: secrets/events.token", "token-env: EVENTS_TOKEN"));

    assertThatThrownBy(
            () ->
                ServeSession.start(
                    ProjectLoader.load(dir), Optional.empty(), Map.of(), summary -> {}))
        .hasMessage(
            "Source 'events': the environment variable EVENTS_TOKEN (stream.token-env, "
                + dir.resolve("sources/events.yaml")
                + ") is not set; it must hold the bearer token that pushes to the stream carry");
  }
}
