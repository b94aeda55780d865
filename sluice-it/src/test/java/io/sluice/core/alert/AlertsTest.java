package io.sluice.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.core.orchestrate.EventSink;
import io.sluice.core.orchestrate.FreshnessEvaluator;
import io.sluice.core.orchestrate.RefreshTimes;
import io.sluice.core.orchestrate.Sleeper;
import io.sluice.core.orchestrate.TestClock;
import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts end to end: a real pipeline (files → DuckDB → Iceberg) whose quality drops and recovers,
 * observed by {@link AlertMonitor} as {@code sluice run} hooks it, posting to a real webhook
 * receiver on the loopback interface. Time is a clock the test advances; delivery backoffs are
 * recorded, not waited.
 */
class AlertsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration FLUSH = Duration.ofSeconds(30);

  @TempDir Path temp;
  private WebhookReceiver receiver;
  private final TestClock clock = new TestClock(Instant.parse("2026-12-03T08:00:00Z"));
  private final List<Duration> backoffs = new CopyOnWriteArrayList<>();
  private final Sleeper recordingSleeper = backoffs::add;
  private int batch;

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = new WebhookReceiver();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  private Path project(String rule) throws IOException {
    Path project = temp.resolve("project");
    Files.createDirectories(project.resolve("sources"));
    Files.createDirectories(project.resolve("data"));
    Files.writeString(
        project.resolve("sluice.yaml"),
        """
        name: alerting
        alerts:
          channels:
            - {name: team, format: slack, url-env: SLACK_URL}
            - {name: ops, format: generic, url-env: HOOK_URL, max-attempts: 3}
          rules:
        """
            + rule.indent(4));
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        """
        path: data/*.csv
        columns:
          - {name: id, type: bigint}
          - name: amount
            type: double
            checks: [not_null]
        """);
    return project;
  }

  private static final String QUALITY_RULE =
      """
      - name: orders_quality
        kind: quality
        target: source:orders
        threshold: 0.9
        channels: [team, ops]
      """;

  private Map<String, String> environment() {
    return Map.of(
        "SLACK_URL", receiver.url("/services/T0/B0/secret-slack"),
        "HOOK_URL", receiver.url("/hook"));
  }

  private AlertMonitor monitor(Project project) {
    return AlertMonitor.open(project, clock, environment(), recordingSleeper).orElseThrow();
  }

  /** Lands one batch of four rows, {@code missing} of them without an amount (quarantined). */
  private RunSummary batch(Project project, AlertMonitor monitor, int missing)
      throws IOException, InterruptedException {
    batch++;
    StringBuilder csv = new StringBuilder("id,amount\n");
    for (int i = 0; i < 4; i++) {
      csv.append(batch * 10 + i).append(',').append(i < missing ? "" : "12.5").append('\n');
    }
    Files.writeString(project.directory().resolve("data/batch-" + batch + ".csv"), csv);
    clock.advance(Duration.ofMinutes(5));
    RunSummary summary =
        ProjectRuntime.runOnce(project, RunRequest.all("manual"), clock, monitor.listener());
    assertThat(monitor.flush(FLUSH)).isTrue();
    return summary;
  }

  @Test
  void aQualityDropFiresOnceNotOncePerBatchAndARecoverySendsResolved() throws Exception {
    Project project = ProjectLoader.load(project(QUALITY_RULE));
    try (AlertMonitor monitor = monitor(project)) {
      batch(project, monitor, 0);
      Instant dropped = clock.instant().plus(Duration.ofMinutes(5));
      RunSummary bad = batch(project, monitor, 2); // score 0.5
      batch(project, monitor, 1); // 0.75
      batch(project, monitor, 4); // 0
      assertThat(receiver.bodies("/hook")).hasSize(1);
      batch(project, monitor, 0);
      batch(project, monitor, 0);

      assertThat(bad.status()).isEqualTo(RunStatus.OK);
      List<String> generic = receiver.bodies("/hook");
      assertThat(generic).hasSize(2);
      JsonNode fired = JSON.readTree(generic.get(0));
      assertThat(fired.get("state").asText()).isEqualTo("firing");
      assertThat(fired.get("rule").asText()).isEqualTo("orders_quality");
      assertThat(fired.get("kind").asText()).isEqualTo("quality");
      assertThat(fired.get("target").asText()).isEqualTo("source:orders");
      assertThat(fired.get("project").asText()).isEqualTo("alerting");
      assertThat(fired.get("severity").asText()).isEqualTo("warn");
      assertThat(fired.get("value").asDouble()).isEqualTo(0.5);
      assertThat(fired.get("threshold").asDouble()).isEqualTo(0.9);
      assertThat(fired.get("started_at").asText()).isEqualTo(dropped.toString());
      assertThat(fired.get("resolved_at").isNull()).isTrue();
      assertThat(fired.get("reminder").asBoolean()).isFalse();
      assertThat(fired.get("ids").get("run-id").asText()).isEqualTo(bad.runId());
      assertThat(fired.get("ids").get("batch-id").asText())
          .isEqualTo(bad.sources().get(0).batchId());
      assertThat(fired.get("ids").get("source").asText()).isEqualTo("orders");
      assertThat(fired.get("link").asText()).isEqualTo("/ui/quality?source=orders");
      assertThat(fired.get("detail").asText())
          .contains("quality score 0.500 below 0.900")
          .contains("4 rows read, 2 landed");
      JsonNode resolved = JSON.readTree(generic.get(1));
      assertThat(resolved.get("state").asText()).isEqualTo("resolved");
      assertThat(resolved.get("value").asDouble()).isEqualTo(1.0);
      assertThat(resolved.get("started_at").asText()).isEqualTo(dropped.toString());
      assertThat(resolved.get("resolved_at").asText())
          .isEqualTo(dropped.plus(Duration.ofMinutes(15)).toString());

      List<String> slack = receiver.bodies("/services/T0/B0/secret-slack");
      assertThat(slack).hasSize(2);
      JsonNode slackFired = JSON.readTree(slack.get(0));
      assertThat(slackFired.get("text").asText())
          .startsWith("FIRING: rule 'orders_quality' (quality, warn) on source:orders");
      assertThat(slackFired.get("blocks").get(0).get("type").asText()).isEqualTo("section");
      assertThat(slackFired.get("blocks").get(0).get("text").get("type").asText())
          .isEqualTo("mrkdwn");
      assertThat(slackFired.get("blocks").get(0).get("text").get("text").asText())
          .contains("*FIRING*")
          .contains("`orders_quality`");
      assertThat(slackFired.get("blocks").get(1).get("type").asText()).isEqualTo("context");
      assertThat(JSON.readTree(slack.get(1)).get("text").asText()).startsWith("RESOLVED");
      assertThat(monitor.states()).isEmpty();
    }
  }

  @Test
  void aRestartDoesNotFireAgainAndACooldownSendsOneReminder() throws Exception {
    Project project =
        ProjectLoader.load(
            project(
                """
                - name: orders_quality
                  kind: quality
                  threshold: 0.9
                  cooldown: 1h
                  channels: [ops]
                """));
    try (AlertMonitor monitor = monitor(project)) {
      batch(project, monitor, 2);
    }
    assertThat(receiver.bodies("/hook")).hasSize(1);
    try (AlertMonitor restarted = monitor(project)) {
      assertThat(restarted.states()).hasSize(1);
      batch(project, restarted, 2); // +5m: firing already, no reminder yet
      assertThat(receiver.bodies("/hook")).hasSize(1);
      clock.advance(Duration.ofHours(1));
      batch(project, restarted, 3); // past the cooldown: one reminder
      batch(project, restarted, 3); // within the next cooldown: nothing
      batch(project, restarted, 0);
    }
    List<String> bodies = receiver.bodies("/hook");
    assertThat(bodies).hasSize(3);
    JsonNode reminder = JSON.readTree(bodies.get(1));
    assertThat(reminder.get("state").asText()).isEqualTo("firing");
    assertThat(reminder.get("reminder").asBoolean()).isTrue();
    assertThat(reminder.get("value").asDouble()).isEqualTo(0.25);
    assertThat(JSON.readTree(bodies.get(2)).get("state").asText()).isEqualTo("resolved");
  }

  @Test
  void forWaitsUntilTheConditionHeldThatLong() throws Exception {
    Project project =
        ProjectLoader.load(
            project(
                """
                - name: orders_quality
                  kind: quality
                  threshold: 0.9
                  for: 10m
                  channels: [ops]
                """));
    try (AlertMonitor monitor = monitor(project)) {
      batch(project, monitor, 2); // pending
      batch(project, monitor, 0); // back to ok: nothing was sent, nothing to resolve
      batch(project, monitor, 2); // pending again
      batch(project, monitor, 2); // 5m
      assertThat(receiver.bodies("/hook")).isEmpty();
      batch(project, monitor, 2); // 10m: fires
      assertThat(receiver.bodies("/hook")).hasSize(1);
    }
  }

  @Test
  void warningsAlertWhenTheRuleSaysSo() throws Exception {
    Path folder =
        project(
            """
            - name: orders_warnings
              kind: quality
              target: orders
              warnings: true
              channels: [ops]
            """);
    Files.writeString(
        folder.resolve("sources/orders.yaml"),
        """
        path: data/*.csv
        columns:
          - {name: id, type: bigint}
          - name: amount
            type: double
            checks: [{not_null: {severity: warn}}]
        """);
    Project project = ProjectLoader.load(folder);
    try (AlertMonitor monitor = monitor(project)) {
      RunSummary warned = batch(project, monitor, 1);
      assertThat(warned.rowsQuarantined()).isZero();
      assertThat(warned.rowsWarned()).isEqualTo(1);
    }
    JsonNode fired = JSON.readTree(receiver.bodies("/hook").get(0));
    assertThat(fired.get("value").asDouble()).isEqualTo(0.75);
    assertThat(fired.get("threshold").asDouble()).isEqualTo(1.0);
    assertThat(fired.get("detail").asText()).contains("(1 with warnings)");
  }

  @Test
  void aWebhookAnswering500IsRetriedWithBackoffAndDeliveredOnce() throws Exception {
    Project project = ProjectLoader.load(project(QUALITY_RULE.replace("[team, ops]", "[ops]")));
    receiver.answerNext(500);
    try (AlertMonitor monitor = monitor(project)) {
      batch(project, monitor, 2);

      assertThat(receiver.requests()).isEqualTo(2);
      assertThat(receiver.bodies("/hook")).hasSize(1);
      assertThat(backoffs).containsExactly(Duration.ofSeconds(1));
      ChannelStatus ops = monitor.channels().get(1);
      assertThat(ops.delivered()).isEqualTo(1);
      assertThat(ops.failed()).isZero();
    }
  }

  @Test
  void aWebhookThatIsDownNeitherStopsTheRunNorHidesTheFailure() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Project project = ProjectLoader.load(project(QUALITY_RULE.replace("[team, ops]", "[ops]")));
    Map<String, String> environment =
        Map.of(
            "SLACK_URL",
            receiver.url("/slack"),
            "HOOK_URL",
            "http://127.0.0.1:" + closedPort + "/hook/secret-token");
    try (AlertMonitor monitor =
        AlertMonitor.open(project, clock, environment, recordingSleeper).orElseThrow()) {
      RunSummary summary = batch(project, monitor, 2);

      assertThat(summary.status()).isEqualTo(RunStatus.OK);
      assertThat(backoffs).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
      Map<String, Object> status = monitor.status();
      assertThat(status.get("status")).isEqualTo("failing");
      assertThat(status.get("firing").toString()).contains("orders_quality");
      @SuppressWarnings("unchecked")
      Map<String, Object> ops = ((List<Map<String, Object>>) status.get("channels")).get(1);
      assertThat(ops.get("failed")).isEqualTo(1L);
      assertThat((String) ops.get("last-error"))
          .startsWith("cannot connect")
          .contains("(3 attempts)")
          .doesNotContain("secret-token");
    }
    // Kept for `sluice alerts` and the next start.
    AlertStore.Contents stored = new AlertStore(project.stateDirectory()).read();
    assertThat(stored.channels()).filteredOn(c -> c.channel().equals("ops")).hasSize(1);
    assertThat(stored.channels().get(1).failing()).isTrue();
    assertThat(stored.states()).hasSize(1);
  }

  @Test
  void aBacklogAboveItsThresholdFiresAndResolves() throws Exception {
    Project project =
        ProjectLoader.load(
            project(
                """
                - {name: backlog, kind: backlog, threshold: 100, channels: [ops]}
                - {name: growing, kind: backlog, growing: true, for: 1m, channels: [ops]}
                """));
    try (AlertMonitor monitor = monitor(project)) {
      monitor.backlog(Map.of("events", 50L));
      clock.advance(Duration.ofSeconds(30));
      monitor.backlog(Map.of("events", 150L)); // above 100: fires; growing: pending
      clock.advance(Duration.ofSeconds(30));
      monitor.backlog(Map.of("events", 170L)); // growing for 30s
      clock.advance(Duration.ofSeconds(30));
      monitor.backlog(Map.of("events", 190L)); // growing for 1m: fires
      clock.advance(Duration.ofSeconds(30));
      monitor.backlog(Map.of("events", 20L)); // both resolved
      assertThat(monitor.flush(FLUSH)).isTrue();
    }
    List<String> states = new ArrayList<>();
    for (String body : receiver.bodies("/hook")) {
      JsonNode alert = JSON.readTree(body);
      states.add(alert.get("rule").asText() + " " + alert.get("state").asText());
    }
    assertThat(states)
        .containsExactly(
            "backlog firing", "growing firing", "backlog resolved", "growing resolved");
  }

  @Test
  void aRunThatFailsBeforeItsPipelineStartsFires() throws Exception {
    Project project =
        ProjectLoader.load(
            project("- {name: failing, kind: run-failed, target: manual, channels: [ops]}\n"));
    // A real fault before the pipeline: the warehouse file is not a DuckDB database.
    Path warehouse = project.stateDirectory().resolve("warehouse.duckdb");
    Files.createDirectories(warehouse.getParent());
    Files.writeString(warehouse, "not a database, but a file someone overwrote");
    try (AlertMonitor monitor = monitor(project)) {
      assertThatThrownBy(
              () ->
                  ProjectRuntime.runOnce(
                      project, RunRequest.all("manual"), clock, monitor.listener()))
          .isInstanceOf(SluiceException.class);
      assertThat(monitor.flush(FLUSH)).isTrue();
      List<String> bodies = receiver.bodies("/hook");
      assertThat(bodies).as("one message for the failed run").hasSize(1);
      JsonNode message = JSON.readTree(bodies.get(0));
      assertThat(message.toString()).contains("failing").contains("firing").contains("manual");
    }
  }

  @Test
  void aServeBatchFailureCountsOnceItsRetriesAreSpent() throws Exception {
    Project project =
        ProjectLoader.load(
            project("- {name: failing, kind: run-failed, target: serve, channels: [ops]}\n"));
    RunSummary failed =
        new RunSummary(
            "r1",
            clock.instant().toString(),
            10,
            RunStatus.FAILED,
            "the lake is unreachable",
            List.of(),
            List.of(),
            List.of(),
            "serve",
            List.of(),
            ErrorCategory.EXTERNAL);
    RunSummary ok =
        new RunSummary(
            "r4",
            clock.instant().toString(),
            10,
            RunStatus.OK,
            "",
            List.of(),
            List.of(),
            List.of(),
            "serve",
            List.of(),
            null);
    try (AlertMonitor monitor = monitor(project)) {
      monitor.runEnded(failed);
      monitor.runEnded(failed); // retried: the project's default retries have 3 attempts
      assertThat(monitor.states()).isEmpty();
      monitor.runEnded(failed);
      monitor.runEnded(failed); // still firing, no second message
      monitor.runEnded(ok);
      assertThat(monitor.flush(FLUSH)).isTrue();
    }
    List<String> bodies = receiver.bodies("/hook");
    assertThat(bodies).hasSize(2);
    JsonNode fired = JSON.readTree(bodies.get(0));
    assertThat(fired.get("target").asText()).isEqualTo("serve");
    assertThat(fired.get("ids").get("error-category").asText()).isEqualTo("external");
    assertThat(fired.get("detail").asText()).contains("the lake is unreachable");
    assertThat(fired.get("link").asText()).isEqualTo("/ui/runs/r1");
    assertThat(JSON.readTree(bodies.get(1)).get("state").asText()).isEqualTo("resolved");
  }

  @Test
  void schemaDriftFiresOnTheBatchThatDriftedAndResolvesOnOneThatMatches() throws Exception {
    Path folder =
        project("- {name: drift, kind: schema-drift, target: orders, channels: [team, ops]}\n");
    Files.writeString(
        folder.resolve("sources/orders.yaml"),
        """
        path: data/*.csv
        schema-drift: {policy: ignore}
        columns:
          - {name: id, type: bigint}
          - {name: amount, type: double}
        """);
    Project project = ProjectLoader.load(folder);
    Path data = folder.resolve("data");
    try (AlertMonitor monitor = monitor(project)) {
      Files.writeString(data.resolve("a.csv"), "id,amount\n1,2.5\n");
      clock.advance(Duration.ofMinutes(1));
      ProjectRuntime.runOnce(project, RunRequest.all("manual"), clock, monitor.listener());
      Files.writeString(data.resolve("b.csv"), "id,amount,note\n2,3.5,gift\n");
      clock.advance(Duration.ofMinutes(1));
      RunSummary drifted =
          ProjectRuntime.runOnce(project, RunRequest.all("manual"), clock, monitor.listener());
      // The note is known now: the next batch with it does not drift.
      Files.writeString(data.resolve("c.csv"), "id,amount,note\n3,4.5,again\n");
      clock.advance(Duration.ofMinutes(1));
      ProjectRuntime.runOnce(project, RunRequest.all("manual"), clock, monitor.listener());
      assertThat(monitor.flush(FLUSH)).isTrue();

      assertThat(drifted.sources().get(0).drift()).hasSize(1);
    }
    List<String> bodies = receiver.bodies("/hook");
    assertThat(bodies).hasSize(2);
    JsonNode fired = JSON.readTree(bodies.get(0));
    assertThat(fired.get("kind").asText()).isEqualTo("schema-drift");
    assertThat(fired.get("state").asText()).isEqualTo("firing");
    assertThat(fired.get("value").asDouble()).isEqualTo(1.0);
    assertThat(fired.get("threshold").isNull()).isTrue();
    assertThat(fired.get("detail").asText()).contains("differed from the declared columns");
    assertThat(JSON.readTree(bodies.get(1)).get("state").asText()).isEqualTo("resolved");
    assertThat(receiver.bodies("/services/T0/B0/secret-slack")).hasSize(2);
  }

  @Test
  void aBreachedFreshnessSlaFiresAndResolves() throws Exception {
    Path folder = project("- {name: late, kind: freshness, target: orders, channels: [ops]}\n");
    Files.writeString(
        folder.resolve("sluice.yaml"),
        Files.readString(folder.resolve("sluice.yaml"))
            + "freshness:\n  - {name: orders_hourly, target: source:orders, max-age: 1h}\n");
    Project project = ProjectLoader.load(folder);
    Instant[] landed = {clock.instant()};
    RefreshTimes times =
        new RefreshTimes() {
          @Override
          public Optional<Instant> lastLanded(String source) {
            return Optional.of(landed[0]);
          }

          @Override
          public Optional<Instant> lastBuilt(String model) {
            return Optional.empty();
          }
        };
    FreshnessEvaluator slas = new FreshnessEvaluator(project, times, EventSink.NONE);
    try (AlertMonitor monitor = monitor(project)) {
      clock.advance(Duration.ofMinutes(30));
      monitor.freshness(slas.evaluate(clock.instant())); // fresh
      clock.advance(Duration.ofMinutes(45));
      monitor.freshness(slas.evaluate(clock.instant())); // 75m old: breached
      clock.advance(Duration.ofMinutes(5));
      monitor.freshness(slas.evaluate(clock.instant())); // still breached: nothing more
      landed[0] = clock.instant();
      monitor.freshness(slas.evaluate(clock.instant())); // refreshed
      assertThat(monitor.flush(FLUSH)).isTrue();
    }
    List<String> bodies = receiver.bodies("/hook");
    assertThat(bodies).hasSize(2);
    JsonNode fired = JSON.readTree(bodies.get(0));
    assertThat(fired.get("target").asText()).isEqualTo("orders_hourly");
    assertThat(fired.get("value").asDouble()).isEqualTo(75 * 60);
    assertThat(fired.get("ids").get("target").asText()).isEqualTo("source:orders");
    assertThat(fired.get("detail").asText()).contains("breached (max-age 1h)");
    assertThat(JSON.readTree(bodies.get(1)).get("state").asText()).isEqualTo("resolved");
  }
}
