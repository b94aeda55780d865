package io.sluice.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict text-format parser that {@link ServeMetricsTest} relies on refuses what it should. */
class PrometheusTextTest {
  private static final String GOOD =
      """
      # HELP rows_total Rows, with a \\\\ and a \\n in the help.
      # TYPE rows_total counter
      rows_total{dataset="a \\"b\\" \\\\ \\n",rule="x"} 3.0
      rows_total{dataset="c",rule="x",} 1e3 1700000000000
      # a comment
      # HELP took_seconds Durations.
      # TYPE took_seconds histogram
      took_seconds_bucket{le="0.5"} 1
      took_seconds_bucket{le="+Inf"} 2
      took_seconds_count 2
      took_seconds_sum 1.5
      # HELP up Up.
      # TYPE up gauge
      up NaN
      """;

  @Test
  void parsesFamiliesLabelsEscapesAndValues() {
    PrometheusText text = PrometheusText.parse(GOOD);

    assertThat(text.families()).containsOnlyKeys("rows_total", "took_seconds", "up");
    assertThat(text.family("rows_total").help()).isEqualTo("Rows, with a \\ and a \n in the help.");
    assertThat(text.family("rows_total").samples().get(0).labels())
        .isEqualTo(Map.of("dataset", "a \"b\" \\ \n", "rule", "x"));
    assertThat(text.value("rows_total", "dataset", "c")).isEqualTo(1000);
    assertThat(text.value("took_seconds_count")).isEqualTo(2);
    assertThat(text.value("up")).isNaN();
  }

  @Test
  void refusesWhatTheFormatDoesNotAllow() {
    assertRefused(GOOD.replace("up NaN\n", "up NaN"), "does not end with a line feed");
    assertRefused(GOOD + "other 1\n", "no declared family");
    assertRefused(GOOD.replace("# HELP up Up.\n", ""), "has no HELP");
    assertRefused(GOOD + "# TYPE up gauge\n", "TYPE after the family's samples");
    assertRefused(GOOD.replace("rule=\"x\"} 3.0", "rule=\"x\"} 3,0"), "bad value");
    assertRefused(GOOD.replace("rule=\"x\"} 3.0", "rule=\"x\\t\"} 3.0"), "bad escape");
    assertRefused(GOOD.replace("rule=\"x\"} 3.0", "rule=\"x\",rule=\"y\"} 3.0"), "twice");
    assertRefused(GOOD.replace("rule=\"x\"} 3.0", "__rule=\"x\"} 3.0"), "reserved");
    assertRefused(GOOD.replace("rule=\"x\"} 3.0", "rule=x} 3.0"), "not quoted");
    assertRefused(
        GOOD.replace("{dataset=\"c\",rule=\"x\",}", "{dataset=\"c\",rule=\"x\"}")
            .replace("1e3", "1")
            .replace("{dataset=\"a \\\"b\\\" \\\\ \\n\",rule=\"x\"}", "{dataset=\"c\",rule=\"x\"}"),
        "repeated series");
    assertRefused(
        GOOD.replace("took_seconds_count 2", "took_seconds_count 3"), "differs from _count");
    assertRefused(
        GOOD.replace("took_seconds_bucket{le=\"0.5\"} 1", "took_seconds_bucket{le=\"0.5\"} 5"),
        "not cumulative");
    assertRefused(GOOD.replace("took_seconds_bucket{le=\"+Inf\"} 2\n", ""), "+Inf");
    assertRefused(GOOD.replace("took_seconds_sum 1.5\n", ""), "same label sets");
    assertRefused(GOOD.replace("rule=\"x\"} 3.0", "rule=\"x\"} -3.0"), "negative counter");
    assertRefused(GOOD + "rows_total{dataset=\"z\"} 1\n", "split up");
  }

  private static void assertRefused(String text, String problem) {
    assertThatThrownBy(() -> PrometheusText.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem);
  }
}
