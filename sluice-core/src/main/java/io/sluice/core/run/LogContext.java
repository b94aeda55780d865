package io.sluice.core.run;

import java.util.List;
import org.slf4j.MDC;

/**
 * What is being processed, on every log line written meanwhile: the run ({@value #RUN_ID}, the run
 * history's id), the source ({@value #SOURCE}) and its batch ({@value #BATCH_ID}), kept in the
 * logging's diagnostic context (slf4j's MDC) of the thread doing the work. The {@code sluice}
 * command's JSON log writes them as fields of each line (docs/cli.md).
 */
public final class LogContext {
  /** The run history's id of the run being processed. */
  public static final String RUN_ID = "run_id";

  /** The batch being processed. */
  public static final String BATCH_ID = "batch_id";

  /** The source being processed. */
  public static final String SOURCE = "source";

  /** Every key, in the order a log line shows them. */
  public static final List<String> KEYS = List.of(RUN_ID, BATCH_ID, SOURCE);

  private LogContext() {}

  /** Restores the key's earlier value (or removes it) when closed. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** Log lines name {@code runId} as their run until the scope closes. */
  public static Scope run(String runId) {
    return put(RUN_ID, runId);
  }

  /** Log lines name {@code source} until the scope closes. */
  public static Scope source(String source) {
    return put(SOURCE, source);
  }

  /** Log lines name {@code batchId} as their batch until the scope closes. */
  public static Scope batch(String batchId) {
    return put(BATCH_ID, batchId);
  }

  private static Scope put(String key, String value) {
    String previous = MDC.get(key);
    MDC.put(key, value);
    return () -> {
      if (previous == null) {
        MDC.remove(key);
      } else {
        MDC.put(key, previous);
      }
    };
  }
}
