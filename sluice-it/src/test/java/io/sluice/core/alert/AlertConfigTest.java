package io.sluice.core.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.project.Alerts;
import io.sluice.core.project.Project;
import io.sluice.core.project.TestProject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code alerts} section of sluice.yaml: read into {@link Alerts}, its mistakes at file:line.
 */
class AlertConfigTest {
  @TempDir Path directory;
  private TestProject project;

  @BeforeEach
  void setUp() {
    project =
        new TestProject(directory)
            .file("sources/orders.yaml", "path: data/orders.csv\ncolumns: [{name: id}]\n");
  }

  private TestProject alerts(String section) {
    return project.file("sluice.yaml", "name: shop\nalerts:\n" + section.indent(2));
  }

  @Test
  void readsRulesAndChannelsWithTheirDefaults() {
    Project loaded =
        alerts(
                """
                channels:
                  - {name: team, format: slack, url-env: SLACK_URL}
                  - {name: hook, url-file: secrets/hook-url}
                rules:
                  - {name: quality, kind: quality, target: orders, threshold: 0.95,
                     channels: [team, hook]}
                  - {name: warned, kind: quality, warnings: true}
                  - {name: failed, kind: run-failed}
                """)
            .load();

    Alerts alerts = loaded.alerts();
    assertThat(alerts.channels())
        .containsExactly(
            new Alerts.Channel(
                "team",
                true,
                Optional.of("SLACK_URL"),
                Optional.empty(),
                Duration.ofSeconds(10),
                4,
                Duration.ofSeconds(1),
                directory.resolve("sluice.yaml")),
            new Alerts.Channel(
                "hook",
                false,
                Optional.empty(),
                Optional.of(directory.resolve("secrets/hook-url")),
                Duration.ofSeconds(10),
                4,
                Duration.ofSeconds(1),
                directory.resolve("sluice.yaml")));
    assertThat(alerts.rules())
        .containsExactly(
            new Alerts.Rule(
                "quality",
                Alerts.Kind.QUALITY,
                Optional.of("source:orders"),
                Optional.of(0.95),
                false,
                false,
                Duration.ZERO,
                Optional.empty(),
                "warn",
                List.of("team", "hook")),
            new Alerts.Rule(
                "warned",
                Alerts.Kind.QUALITY,
                Optional.empty(),
                Optional.of(1.0),
                true,
                false,
                Duration.ZERO,
                Optional.empty(),
                "warn",
                List.of()),
            new Alerts.Rule(
                "failed",
                Alerts.Kind.RUN_FAILED,
                Optional.empty(),
                Optional.of(1.0),
                false,
                false,
                Duration.ZERO,
                Optional.empty(),
                "warn",
                List.of()));
    assertThat(alerts.checkInterval()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aProjectWithoutAlertsHasNone() {
    assertThat(project.file("sluice.yaml", "name: shop\n").load().alerts())
        .isEqualTo(Alerts.none());
  }

  @Test
  void reportsAnUnknownKindWithADidYouMean() {
    alerts("rules:\n  - {name: q, kind: qualty, threshold: 0.9}\n");

    assertThat(project.problem())
        .isEqualTo(
            "sluice.yaml:4:23: kind: expected one of quality, freshness, run-failed,"
                + " schema-drift, backlog, found 'qualty' (did you mean 'quality'?)");
  }

  @Test
  void reportsThresholdsThatDoNotFitTheKind() {
    alerts(
        """
        rules:
          - {name: score, kind: quality, threshold: 1.5}
          - {name: none, kind: quality}
          - {name: drift, kind: schema-drift, threshold: 3}
          - {name: runs, kind: run-failed, threshold: 1.5}
          - {name: backlog, kind: backlog}
        """);

    assertThat(project.problems())
        .containsExactly(
            "sluice.yaml:4:47: alert rule 'score': threshold of kind quality is a score between 0"
                + " and 1, found 1.5",
            "sluice.yaml:5:7: alert rule 'none': kind quality needs a threshold, the lowest"
                + " acceptable score between 0 and 1 (e.g. threshold: 0.95), or warnings: true",
            "sluice.yaml:6:52: alert rule 'drift': kind schema-drift takes no threshold",
            "sluice.yaml:7:49: alert rule 'runs': threshold of kind run-failed is a number of"
                + " failed runs in a row (1 or more), found 1.5",
            "sluice.yaml:8:7: alert rule 'backlog': kind backlog needs a threshold (records"
                + " waiting, e.g. threshold: 100000), or growing: true");
  }

  @Test
  void reportsAThresholdThatIsNotANumber() {
    alerts("rules:\n  - {name: text, kind: quality, threshold: high}\n");

    assertThat(project.problem())
        .isEqualTo(
            "sluice.yaml:4:46: threshold: expected a number between 0 and 1000000000, found"
                + " 'high'");
  }

  @Test
  void reportsTargetsAndChannelsThatNameNothing() {
    alerts(
        """
        channels:
          - {name: team, url-env: URL}
          - {name: both, url-env: URL, url-file: url.txt}
          - {name: neither}
        rules:
          - {name: q, kind: quality, target: order, threshold: 0.9, channels: [teem]}
          - {name: f, kind: freshness, target: orders}
          - {name: r, kind: run-failed, target: "schedule:nightly"}
          - {name: b, kind: backlog, target: orders, threshold: 10}
          - {name: w, kind: schema-drift, warnings: true}
        """);

    assertThat(project.problems())
        .containsExactly(
            "sluice.yaml:5:44: alert channel 'both': set url-env (an environment variable) or"
                + " url-file (a file) holding the webhook's URL, not both",
            "sluice.yaml:6:7: alert channel 'neither': set url-env (an environment variable) or"
                + " url-file (a file) holding the webhook's URL",
            "sluice.yaml:8:40: alert rule 'q': target: no source (or run, for a run's score) is"
                + " named 'order' (did you mean 'orders'?)",
            "sluice.yaml:8:73: alert rule 'q': channels: no channel is named 'teem' in"
                + " alerts.channels (did you mean 'team'?)",
            "sluice.yaml:9:42: alert rule 'f': target: the project declares no freshness SLA"
                + " (freshness: in sluice.yaml), so kind freshness has nothing to watch",
            "sluice.yaml:10:43: alert rule 'r': target: runs are started by serve, manual, api,"
                + " not 'schedule:nightly'",
            "sluice.yaml:11:40: alert rule 'b': target: the source 'orders' receives no pushed"
                + " records, so it has no backlog (kind backlog watches streams)",
            "sluice.yaml:12:37: alert rule 'w': warnings is taken by kind quality only, not"
                + " schema-drift");
  }

  @Test
  void reportsDurationsThatMustNotBeZero() {
    alerts(
        """
        check-interval: 0s
        channels:
          - {name: team, url-env: URL, timeout: 0s}
        rules:
          - {name: q, kind: quality, threshold: 0.9, cooldown: 0s}
        """);

    assertThat(project.problems())
        .containsExactly(
            "sluice.yaml:3:19: alerts: check-interval must be longer than 0",
            "sluice.yaml:5:43: alert channel 'team': timeout must be longer than 0",
            "sluice.yaml:7:58: alert rule 'q': cooldown must be longer than 0 (leave it out for no"
                + " reminders)");
  }

  @Test
  void reportsAnUnknownKeyWithADidYouMean() {
    alerts("rules:\n  - {name: q, kind: quality, threshold: 0.9, cooldwn: 1h}\n");

    assertThat(project.problem()).contains("unknown key 'cooldwn'").contains("'cooldown'");
  }
}
