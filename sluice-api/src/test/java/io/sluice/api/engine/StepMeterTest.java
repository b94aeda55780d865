package io.sluice.api.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StepMeter} against a folder that plays the kernel's {@code /proc/self}. */
class StepMeterTest {
  @TempDir Path proc;

  @Test
  void withoutProcCpuAndPeakAreUnknown() {
    StepTiming step = new StepMeter.Proc(proc.resolve("missing")).start().stop("plan", 12, 34, 56);

    assertThat(step.name()).isEqualTo("plan");
    assertThat(step.cpuNanos()).isEqualTo(-1);
    assertThat(step.peakRssBytes()).isEqualTo(-1);
    assertThat(step.wallNanos()).isNotNegative();
    assertThat(step.rows()).isEqualTo(12);
    assertThat(step.bytesIn()).isEqualTo(34);
    assertThat(step.bytesOut()).isEqualTo(56);
  }

  @Test
  void cpuIsTheProcessTicksBetweenStartAndStop() throws IOException {
    cpu(100, 50);
    peak(1);
    StepMeter meter = new StepMeter.Proc(proc).start();
    cpu(130, 60);

    StepTiming step = meter.stop("stage", 7);

    assertThat(step.cpuNanos()).isEqualTo(40 * 10_000_000L); // 40 ticks of 10 ms
    assertThat(step.bytesIn()).isEqualTo(-1);
    assertThat(step.bytesOut()).isEqualTo(-1);
  }

  @Test
  void nestedStepsEachTakeTheHighWaterMarkWhenTheyEnd() throws IOException {
    cpu(0, 0);
    peak(100);
    StepMeter.Proc figures = new StepMeter.Proc(proc);
    StepMeter outer = figures.start();
    StepMeter inner = figures.start();
    peak(900);
    cpu(20, 0);
    StepTiming innerStep = inner.stop("write clean", 0);
    cpu(50, 0);
    StepTiming outerStep = outer.stop("ingest", 0);

    assertThat(innerStep.peakRssBytes()).isEqualTo(900 * 1024L);
    assertThat(outerStep.peakRssBytes()).isEqualTo(900 * 1024L);
    assertThat(innerStep.cpuNanos()).isEqualTo(20 * 10_000_000L);
    assertThat(outerStep.cpuNanos()).isEqualTo(50 * 10_000_000L);
  }

  @Test
  void theHighWaterMarkIsNeverReset() throws IOException {
    cpu(0, 0);
    peak(100);

    new StepMeter.Proc(proc).start().stop("views", 0);

    // A reset would also lower the peak the kernel reports for the process (time -v, getrusage).
    assertThat(proc.resolve("clear_refs")).doesNotExist();
  }

  @Test
  void aStatusWithoutTheHighWaterMarkGivesAnUnknownPeak() throws IOException {
    cpu(0, 0);
    Files.writeString(proc.resolve("status"), "Name:\tjava\nVmRSS:\t  1 kB\n");

    assertThat(new StepMeter.Proc(proc).start().stop("plan", 0).peakRssBytes()).isEqualTo(-1);
  }

  private void cpu(long userTicks, long systemTicks) throws IOException {
    // Fields 14 and 15 (utime, stime); the command name holds a space and a parenthesis.
    Files.writeString(
        proc.resolve("stat"),
        "4242 (java (main) x) S 1 2 3 4 5 6 7 8 9 10 "
            + userTicks
            + " "
            + systemTicks
            + " 0 0 20 0 30 0 12345 6789 100\n");
  }

  private void peak(long kilobytes) throws IOException {
    Files.writeString(
        proc.resolve("status"),
        "Name:\tjava\nVmPeak:\t  999999 kB\nVmHWM:\t  " + kilobytes + " kB\nVmRSS:\t  1 kB\n");
  }
}
