package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading commands work while another process writes the warehouse (issue 14): they read the
 * snapshot the writer published and say so; {@code maintain} and {@code run} overlap without
 * failing on the warehouse lock.
 */
class ConcurrentReadersTest {
  @TempDir Path dir;

  @Test
  void readingCommandsWorkWhileAnotherProcessWritesTheWarehouse() throws Exception {
    assertThat(sluice("init", dir.toString()).exit()).isZero();
    assertThat(sluice("run", "-p", dir.toString(), "--progress=never").exit()).isEqualTo(0);
    String p = dir.toString();
    Process writer = HoldWarehouse.start("write", dir);
    try {
      for (List<String> command :
          List.of(
              List.of("query", "-p", p, "SELECT count(*) AS n FROM daily_events"),
              List.of("query", "-p", p, "-f", "csv", "SELECT count(*) AS n FROM lake.events"),
              List.of("status", "-p", p),
              List.of("quality", "-p", p),
              List.of("quarantine", "list", "-p", p),
              List.of("quarantine", "show", "events", "-p", p),
              List.of("test", "-p", p),
              List.of("maintain", "-p", p))) {
        Sluice.Result result = sluice(command.toArray(String[]::new));
        assertThat(result.exit()).as(command + ": " + result.err()).isZero();
        assertThat(result.err() + result.out())
            .as(String.join(" ", command))
            .doesNotContainIgnoringCase("could not set lock")
            .doesNotContainIgnoringCase("Conflicting lock");
        if (!command.get(0).equals("maintain")) {
          assertThat(result.err())
              .as(String.join(" ", command))
              .containsPattern(
                  "Reading the warehouse as published at \\d{4}-\\d\\d-\\d\\dT[0-9:]+Z: another"
                      + " process is writing it");
        }
      }
      assertThat(Sluice.queryRows(dir, "SELECT count(*) FROM lake.events"))
          .singleElement()
          .isNotEqualTo("0");
      // The snapshot is the warehouse as the writer last published it.
      assertThat(sluice("query", "-p", p, "SELECT * FROM being_written").err())
          .contains("being_written does not exist");
    } finally {
      HoldWarehouse.stop(writer);
    }
    // Without a writer, readers read the warehouse as it is and say nothing about snapshots.
    Sluice.Result after = sluice("query", "-p", p, "-f", "csv", "SELECT x FROM being_written");
    assertThat(after.exit()).as(after.err()).isZero();
    assertThat(after.out()).isEqualTo("x\n1\n");
    assertThat(after.err()).isEmpty();
  }

  @Test
  void runWaitsForAReaderThatHoldsTheLiveWarehouse() throws Exception {
    assertThat(sluice("init", dir.toString()).exit()).isZero();
    assertThat(sluice("run", "-p", dir.toString(), "--progress=never").exit()).isEqualTo(0);
    // A reader of an older Sluice holds the warehouse file itself, read-only.
    Process reader = HoldWarehouse.start("read", dir.resolve(".sluice/warehouse.duckdb"));
    CompletableFuture<Sluice.Result> run;
    try {
      run =
          CompletableFuture.supplyAsync(
              () -> sluice("run", "-p", dir.toString(), "--progress=never"));
    } finally {
      HoldWarehouse.stop(reader);
    }
    Sluice.Result result = run.get(120, TimeUnit.SECONDS);
    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.err()).doesNotContainIgnoringCase("could not set lock");
  }
}
