package io.sluice.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.ServeSession;
import io.sluice.core.project.ProjectLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice serve} answers {@code /health} and accepts pushes before its slow start-up (opening
 * the lake, reading its history) has finished.
 */
class ServeStartTest {
  @TempDir Path dir;

  @Test
  void answersHealthAndAcceptsPushesWhileTheLakeIsStillOpening() throws Exception {
    StreamProject.create(dir);
    Path catalog = dir.resolve(".sluice/lake/catalog.db");
    Files.createDirectories(catalog.getParent());
    HttpClient client = HttpClient.newHttpClient();
    ServeSession session;
    // Another process's exclusive lock on the lake's catalog holds the lake's opening (it waits
    // out the lock, up to the catalog's busy timeout) for as long as this block runs.
    try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + catalog);
        Statement statement = holder.createStatement()) {
      statement.execute("CREATE TABLE held (x INTEGER)");
      statement.execute("BEGIN EXCLUSIVE");
      statement.execute("INSERT INTO held VALUES (1)");

      session = ServeSession.start(ProjectLoader.load(dir), Optional.empty(), Map.of(), s -> {});
      HttpResponse<String> health =
          client.send(
              HttpRequest.newBuilder(session.uri().resolve("/health"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"status\":\"starting\"");
      assertThat(session.status()).containsEntry("status", "starting");
      assertThat(
              StreamProject.push(client, session.uri(), StreamProject.event("e1", "ann", "1.50"))
                  .body())
          .isEqualTo("{\"accepted\":1,\"failed\":0,\"errors\":[]}");
      assertThat(session.waiting()).isEqualTo(1);

      statement.execute("ROLLBACK");
    }
    // Closed while starting or just after: either way the graceful stop lands what waits.
    session.close();

    assertThat(StreamProject.query(dir, "SELECT id FROM lake.events"))
        .containsExactly(List.of("e1"));
  }
}
