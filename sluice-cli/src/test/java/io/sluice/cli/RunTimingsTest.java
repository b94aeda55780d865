package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice run --timings} and the step timings in the run history: which steps and columns are
 * shown, never how long they took.
 */
class RunTimingsTest {
  /** A number, or {@code -} for a figure the platform cannot measure. */
  private static final String FIGURE = "(-|[0-9][0-9,.]*)";

  @TempDir Path temp;

  @Test
  void runTimingsPrintsEveryStepWithItsFiguresAfterTheSummary() throws Exception {
    Path dir = temp.resolve("p");
    assertThat(sluice("init", dir.toString()).exit()).isZero();

    Sluice.Result run = sluice("run", "-p", dir.toString(), "--progress=never", "--timings");

    assertThat(run.exit()).as(run.err()).isZero();
    String out = run.out();
    assertThat(out.indexOf("run ok in")).isLessThan(out.indexOf("peak RSS MiB"));
    List<String> table = table(out.substring(out.indexOf("run ok in")));
    assertThat(table.get(0))
        .matches("step +wall s +CPU s +CPU/wall +rows +rows/s +MB in +MB out +MB/s +peak RSS MiB");
    assertThat(table.get(1)).matches("-+( +-+){9}");
    List<String> steps = new ArrayList<>();
    for (String line : table.subList(2, table.size())) {
      String step = line.replaceAll("( +" + FIGURE + "){9}$", "");
      assertThat(step).as("a step and 9 figures: %s", line).isNotEqualTo(line);
      steps.add(step);
    }
    // Under the plan: the connector's own steps (the files connector lists, then reads each new
    // file once). Under the ingest: the connector's look at the input, then the engine's own steps
    // (if it reports them).
    List<String> inner = steps.stream().filter(s -> s.startsWith("    events: ")).toList();
    assertThat(inner)
        .startsWith(
            "    events: plan: list files",
            "    events: plan: read new files",
            "    events: native input");
    steps.removeAll(inner);
    assertThat(steps)
        .containsExactly(
            "load project",
            "check project",
            "open engine",
            "open lake",
            "source events",
            "  events: tables",
            "  events: plan",
            "  events: observe",
            "  events: ingest",
            "  events: commit",
            "views",
            "model daily_events",
            "tests",
            "close");
    assertThat(table)
        .anySatisfy(line -> assertThat(line).matches("source events( +" + FIGURE + "){3} +4 .*"));

    Sluice.Result again = sluice("run", "-p", dir.toString(), "--progress=never", "--timings");
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(table(again.out().substring(again.out().indexOf("run ok in"))))
        .as("nothing new: the batch only plans")
        .anySatisfy(line -> assertThat(line).startsWith("  events: plan "))
        .noneSatisfy(line -> assertThat(line).startsWith("  events: ingest "));
  }

  @Test
  void theRunHistoryKeepsTheTimingsForRunsShowAndItsJson() throws Exception {
    Path dir = temp.resolve("p");
    assertThat(sluice("init", dir.toString()).exit()).isZero();
    assertThat(sluice("run", "-p", dir.toString(), "--progress=never").exit()).isZero();
    JsonNode runs =
        new ObjectMapper()
            .readTree(sluice("runs", "list", "-p", dir.toString(), "--format", "json").out());
    String id = runs.get(0).get("id").asText();

    Sluice.Result plain = sluice("runs", "show", "-p", dir.toString(), id);
    assertThat(plain.out()).doesNotContain("peak RSS MiB");
    Sluice.Result show = sluice("runs", "show", "-p", dir.toString(), id, "--timings");
    assertThat(show.exit()).as(show.err()).isZero();
    assertThat(show.out())
        .containsPattern(
            "\n  step +wall s +CPU s +CPU/wall +rows +rows/s +MB in +MB out +MB/s +peak RSS MiB\n")
        .containsPattern("\n    events: ingest( +" + FIGURE + "){9}\n")
        .containsPattern("\n  model daily_events( +" + FIGURE + "){9}\n");

    JsonNode timings =
        new ObjectMapper()
            .readTree(sluice("runs", "show", "-p", dir.toString(), "-f", "json", id).out())
            .get("attempts")
            .get(0)
            .get("timings");
    List<String> names = new ArrayList<>();
    timings.forEach(t -> names.add(t.get("depth").asInt() + " " + t.get("step").asText()));
    assertThat(names).contains("0 open engine", "0 source events", "1 events: ingest", "0 tests");
    JsonNode ingest = timings.get(names.indexOf("1 events: ingest"));
    assertThat(ingest.get("rows").asLong()).isEqualTo(4);
    assertThat(ingest.get("bytes-in").asLong()).isPositive();
    assertThat(ingest.get("bytes-out").asLong()).isPositive();
    assertThat(ingest.get("wall-nanos").asLong()).isNotNegative();
    assertThat(ingest.fieldNames())
        .toIterable()
        .containsExactly(
            "step",
            "depth",
            "wall-nanos",
            "cpu-nanos",
            "rows",
            "bytes-in",
            "bytes-out",
            "peak-rss-bytes");
  }

  /** The lines of the table that follows the summary line at the start of {@code out}. */
  private static List<String> table(String out) {
    List<String> lines = out.lines().toList();
    int header = 0;
    while (!lines.get(header).startsWith("step ")) {
      header++;
    }
    int end = header;
    while (end < lines.size() && !lines.get(end).isBlank()) {
      end++;
    }
    return lines.subList(header, end);
  }
}
