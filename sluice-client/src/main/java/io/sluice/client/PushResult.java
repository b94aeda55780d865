package io.sluice.client;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What became of the records of one {@link SluiceClient#push} call.
 *
 * @param accepted records stored durably by the server
 * @param failures records the server refused, with their index in the pushed list
 * @param retries requests that were sent again after a 429, 503 or I/O error
 */
public record PushResult(long accepted, List<Failure> failures, int retries) {
  public PushResult {
    failures = List.copyOf(failures);
  }

  /** Whether every record was accepted. */
  public boolean allAccepted() {
    return failures.isEmpty();
  }

  /**
   * A record the server refused.
   *
   * @param index the record's index in the list given to {@link SluiceClient#push}
   * @param reason the server's reason
   */
  public record Failure(int index, String reason) {
    public Failure {
      requireNonNull(reason, "reason is null");
    }
  }
}
