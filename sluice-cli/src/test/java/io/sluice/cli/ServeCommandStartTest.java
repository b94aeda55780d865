package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice serve} listens before it opens the lake; when the lake then cannot be opened, the
 * command still ends with that error and its exit code, not a server that never lands anything.
 */
class ServeCommandStartTest {
  @TempDir Path dir;

  @Test
  void endsWithTheLakesErrorWhenTheLakeCannotBeOpenedAfterListening() throws IOException {
    Files.writeString(
        dir.resolve("sluice.yaml"),
        "name: live\n"
            + "serve:\n  port: 0\n"
            + "lake:\n  options:\n    catalog-uri: jdbc:no-such-database:catalog\n");
    Files.createDirectories(dir.resolve("sources"));
    Files.writeString(
        dir.resolve("sources/events.yaml"),
        "connector: stream\nstream:\n  auth: none\ncolumns:\n  - name: id\n    type: string\n");

    Sluice.Result serve = sluice("serve", "-p", dir.toString());

    assertThat(serve.out()).contains("listening on http://127.0.0.1:");
    assertThat(serve.err())
        .startsWith("error: Cannot open the Iceberg catalog jdbc:no-such-database:catalog");
    assertThat(serve.exit()).isEqualTo(4);
  }
}
