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

  /** The process exit code the CLI uses for this category. */
  public int exitCode() {
    return exitCode;
  }
}
