package io.sluice.api.log;

/**
 * Creates ingest logs; implementations are found with {@link java.util.ServiceLoader} (see {@link
 * io.sluice.api.Plugins#find}) by {@link #name()}.
 */
public interface IngestLogFactory {
  /** The name a project selects this log by, such as {@code local} or {@code kafka}. */
  String name();

  /**
   * Opens (and recovers) or creates the log.
   *
   * @throws io.sluice.api.SluiceException (EXTERNAL) when its storage cannot be opened
   */
  IngestLog create(IngestLogSettings settings);
}
