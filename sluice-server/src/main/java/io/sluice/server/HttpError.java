package io.sluice.server;

/** A request the server refuses, with the status and the reason it answers. */
final class HttpError extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final int retryAfterSeconds; // 0: no Retry-After header

  HttpError(int status, String reason) {
    this(status, reason, 0);
  }

  HttpError(int status, String reason, int retryAfterSeconds) {
    super(reason, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  int status() {
    return status;
  }

  int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
