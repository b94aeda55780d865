package io.sluice.api;

/** What kind of failure an error is; decides retries and exit codes. */
public enum ErrorCategory {
  /** A mistake in the project, its configuration or a command line: fix and rerun. */
  USER(2),
  /** Input data that cannot be processed at all (bad records are quarantined, not raised). */
  DATA(3),
  /** An outside system (disk, network, catalog) failed; a retry may succeed. */
  EXTERNAL(4),
  /** A bug in Sluice. */
  INTERNAL(70);

  private final int exitCode;

  ErrorCategory(int exitCode) {
    this.exitCode = exitCode;
  }

  /**
   * Whether the same work may succeed if tried again unchanged: only failures of outside systems
   * (I/O, network, a catalog, a lock held by another process, a timeout). User and data errors fail
   * the same way every time; a bug too.
   */
  public boolean retryable() {
    return this == EXTERNAL;
  }

  /** The process exit code the CLI uses for this category. */
  public int exitCode() {
    return exitCode;
  }
}
