package io.sluice.cli;

import io.sluice.api.source.Split;
import io.sluice.config.Sizes;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunSummary;
import java.io.PrintWriter;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Shows a progress bar per source on a terminal, and one line per step otherwise. */
final class ProgressListener implements RunListener, AutoCloseable {
  private final PrintWriter out;
  private final boolean bar;
  private ProgressBar current;

  ProgressListener(PrintWriter out, boolean bar) {
    this.out = out;
    this.bar = bar;
  }

  @Override
  public void sourceStarted(String source, List<Split> splits) {
    long bytes = splits.stream().mapToLong(Split::sizeBytes).sum();
    if (bar) {
      current =
          new ProgressBarBuilder()
              .setTaskName(source)
              .setInitialMax(Math.max(1, bytes))
              .setStyle(ProgressBarStyle.ASCII)
              .setUnit(" MiB", 1024 * 1024)
              .showSpeed()
              .build();
    } else {
      out.printf("%s: reading %d files (%s)%n", source, splits.size(), Sizes.format(bytes));
      out.flush();
    }
  }

  @Override
  public void bytesRead(String source, long bytes) {
    if (current != null) {
      current.stepBy(bytes);
    }
  }

  @Override
  public void sourceFinished(RunSummary.SourceRun result) {
    closeBar();
    if (!bar && !result.batchId().isEmpty()) {
      out.printf(
          "%s: %s landed, %s quarantined%n",
          result.source(),
          Format.count(result.rowsValid()),
          Format.count(result.rowsQuarantined()));
      out.flush();
    }
  }

  @Override
  public void modelFinished(RunSummary.ModelRun result) {
    if (!bar) {
      out.printf("model %s: %s%n", result.model(), result.action());
      out.flush();
    }
  }

  private void closeBar() {
    if (current != null) {
      current.stepTo(current.getMax());
      current.close();
      current = null;
    }
  }

  @Override
  public void close() {
    closeBar();
  }
}
