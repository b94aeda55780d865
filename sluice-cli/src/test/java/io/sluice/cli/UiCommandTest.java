package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice ui} serves until it is stopped (it once returned at once, having no processor to
 * wait for), prints the dashboards' addresses, and stops cleanly on SIGTERM.
 */
class UiCommandTest {
  @TempDir Path dir;

  @Test
  void servesUntilStoppedAndPrintsEachDashboardsAddress() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path project = dir.resolve("p");
    write(
        project.resolve("sluice.yaml"), "name: shop\nserve:\n  viewer-token-file: viewer.token\n");
    write(project.resolve("viewer.token"), "viewer-token-for-tests\n");
    write(project.resolve("data/orders.csv"), "id\n1\n");
    write(project.resolve("sources/orders.yaml"), "path: data/orders.csv\ncolumns: [{name: id}]\n");
    write(
        project.resolve("dashboards/sales.yaml"),
        "panels:\n  - {id: orders, type: stat, sql: SELECT count(*) FROM lake.orders}\n");
    Path log = dir.resolve("ui.log");

    Process ui =
        ChildSluice.start(log, "ui", "-p", project.toString(), "--port", Integer.toString(port));
    try {
      URI base = URI.create("http://127.0.0.1:" + port);
      ChildSluice.awaitHealth(base, ui, body -> true);
      assertThat(ui.isAlive()).isTrue();
      assertThat(Files.readString(log))
          .contains("  dashboard sales: " + base + "/ui/dashboards/sales");
    } finally {
      ui.destroy();
      assertThat(ui.waitFor(60, TimeUnit.SECONDS)).as("stopped in time").isTrue();
    }
    assertThat(Files.readString(log)).contains("sluice ui: stopped");
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
