package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunRequest;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
  void testPostsAMessageToEachChannelNowAndSaysWhichWereNotDelivered() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer webhook = receiver(received);
    try {
      String base = "http://127.0.0.1:" + webhook.getAddress().getPort();
      Files.writeString(project.resolve("slack.url"), base + "/slack/T0/secret\n");
      Files.writeString(project.resolve("hook.url"), base + "/hook\n");
      Files.writeString(
          project.resolve("down.url"), "http://127.0.0.1:" + closedPort + "/down/s3cr3t\n");
      Files.createDirectories(project.resolve("sources"));
      Files.writeString(
          project.resolve("sluice.yaml"),
          """
          name: alerting
          alerts:
            channels:
              - {name: team, format: slack, url-file: slack.url}
              - {name: ops, url-file: hook.url}
              - {name: pager, url-file: down.url, max-attempts: 1}
            rules:
              - {name: failed, kind: run-failed, channels: [team, ops, pager]}
          """);
      Files.writeString(
          project.resolve("sources/orders.yaml"), "path: data/*.csv\ncolumns: [{name: id}]\n");

      Sluice.Result all = sluice("alerts", "-p", project.toString(), "--test");

      assertThat(all.exit()).as("a channel was not delivered to").isEqualTo(1);
      assertThat(all.out())
          .containsPattern("team +delivered")
          .containsPattern("ops +delivered")
          .containsPattern("pager +NOT delivered +cannot connect")
          .doesNotContain("s3cr3t")
          .doesNotContain("secret");
      assertThat(received).hasSize(2);
      assertThat(received)
          .anySatisfy(
              body ->
                  assertThat(body)
                      .startsWith("/slack/T0/secret {\"text\":\"Sluice test message")
                      .contains("channel team"))
          .anySatisfy(
              body ->
                  assertThat(body)
                      .startsWith("/hook {")
                      .contains("\"state\":\"test\"")
                      .contains("\"project\":\"alerting\""));

      Sluice.Result one = sluice("alerts", "-p", project.toString(), "--test", "--channel", "ops");
      assertThat(one.exit()).as(one.err()).isZero();
      assertThat(one.out()).contains("ops").doesNotContain("team").doesNotContain("pager");
      assertThat(received).hasSize(3);

      Sluice.Result typo = sluice("alerts", "-p", project.toString(), "--test", "--channel", "opz");
      assertThat(typo.exit()).isNotZero();
      assertThat(typo.err()).contains("No alert channel 'opz'").contains("did you mean 'ops'");
      Sluice.Result alone = sluice("alerts", "-p", project.toString(), "--channel", "ops");
      assertThat(alone.exit()).isNotZero();
      assertThat(alone.err()).contains("--channel goes with --test");
      // A test is not a delivery of an alert: the channels' records are untouched.
      assertThat(sluice("alerts", "-p", project.toString()).out()).containsPattern("pager +0 +0");
    } finally {
      webhook.stop(0);
    }
  }

  @Test
  void sluiceRunChecksTheFreshnessSlasAtItsEndAndABreachFiresOnceAcrossRuns() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer webhook = receiver(received);
    try {
      Files.createDirectories(project.resolve("sources"));
      Files.createDirectories(project.resolve("data"));
      Files.writeString(
          project.resolve("hook.url"),
          "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook\n");
      Files.writeString(
          project.resolve("sluice.yaml"),
          """
          name: alerting
          freshness:
            - {name: orders_hourly, target: source:orders, max-age: 1h}
          alerts:
            channels:
              - {name: ops, url-file: hook.url}
            rules:
              - {name: late, kind: freshness, target: orders, channels: [ops]}
          """);
      Files.writeString(
          project.resolve("sources/orders.yaml"),
          "path: data/*.csv\ncolumns: [{name: id, type: bigint}]\n");
      Files.writeString(project.resolve("data/a.csv"), "id\n1\n2\n");
      // The orders landed two days ago (a run on a clock set back), and nothing since.
      ProjectRuntime.runOnce(
          ProjectLoader.load(project),
          RunRequest.all("manual"),
          Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC),
          RunListener.NONE);

      Sluice.Result first = sluice("run", "-p", project.toString(), "--progress", "never");
      Sluice.Result second = sluice("run", "-p", project.toString(), "--progress", "never");

      assertThat(first.exit()).as(first.err()).isZero();
      assertThat(second.exit()).as(second.err()).isZero();
      assertThat(received).as("one message: the breach, not one per run").hasSize(1);
      assertThat(received.get(0))
          .contains("\"rule\":\"late\"")
          .contains("\"state\":\"firing\"")
          .contains("\"target\":\"orders_hourly\"")
          .contains("breached (max-age 1h)");
      assertThat(sluice("alerts", "-p", project.toString()).out())
          .containsPattern("late +freshness +orders_hourly +FIRING");
    } finally {
      webhook.stop(0);
    }
  }

  /** A webhook on the loopback interface that answers 204 and keeps "PATH BODY" of each post. */
  private static HttpServer receiver(List<String> received) throws java.io.IOException {
    HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext(
        "/",
        exchange -> {
          received.add(
              exchange.getRequestURI().getPath()
                  + " "
                  + new String(exchange.getRequestBody().readAllBytes(), UTF_8));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    webhook.start();
    return webhook;
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
