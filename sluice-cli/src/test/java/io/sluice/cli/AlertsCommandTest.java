package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice run} with alert rules whose webhook is down: the run succeeds, the alert is logged,
 * and {@code sluice alerts} shows it firing and the delivery's failure, never the URL.
 */
class AlertsCommandTest {
  @TempDir Path project;

  @Test
  void aRunWhoseWebhookIsDownSucceedsAndSluiceAlertsShowsTheFailure() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Files.createDirectories(project.resolve("sources"));
    Files.createDirectories(project.resolve("data"));
    Files.writeString(
        project.resolve("secrets.url"), "http://127.0.0.1:" + closedPort + "/hook/s3cr3t\n");
    Files.writeString(
        project.resolve("sluice.yaml"),
        """
        name: alerting
        alerts:
          channels:
            - {name: ops, url-file: secrets.url, max-attempts: 1}
          rules:
            - {name: orders_quality, kind: quality, target: orders, threshold: 0.9,
               channels: [ops]}
            - {name: manual_failed, kind: run-failed, target: manual}
        """);
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        """
        path: data/*.csv
        columns:
          - {name: id, type: bigint}
          - {name: amount, type: double, checks: [not_null]}
        """);
    Files.writeString(project.resolve("data/a.csv"), "id,amount\n1,\n2,3.5\n");

    Sluice.Result validate = sluice("validate", "-p", project.toString());
    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress", "never");
    Sluice.Result alerts = sluice("alerts", "-p", project.toString());

    assertThat(validate.exit()).as(validate.err()).isZero();
    assertThat(validate.out()).doesNotContain("warning");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(alerts.exit()).as(alerts.err()).isZero();
    assertThat(alerts.out())
        .containsPattern("orders_quality +quality +source:orders +FIRING .* 0.500 ")
        .containsPattern("manual_failed +run-failed +manual +ok")
        .containsPattern("ops +0 +1 .*cannot connect")
        .doesNotContain("s3cr3t");
    Sluice.Result json = sluice("alerts", "-p", project.toString(), "-f", "json");
    assertThat(json.out()).contains("\"state\" : \"firing\"").contains("\"failing\" : true");
  }

  @Test
  void validateWarnsOfAWebhookUrlThatIsNotThere() throws Exception {
    Files.createDirectories(project.resolve("sources"));
    Files.writeString(
        project.resolve("sluice.yaml"),
        """
        name: alerting
        alerts:
          channels:
            - {name: ops, url-file: secrets/missing.url}
          rules:
            - {name: failed, kind: run-failed, channels: [ops]}
        """);
    Files.writeString(
        project.resolve("sources/orders.yaml"), "path: data/*.csv\ncolumns: [{name: id}]\n");
    Files.createDirectories(project.resolve("data"));

    Sluice.Result validate = sluice("validate", "-p", project.toString());

    assertThat(validate.exit()).as(validate.err()).isZero();
    assertThat(validate.out())
        .contains("warning: alert channel 'ops': its url-file secrets/missing.url does not exist");
  }
}
