package io.sluice.client;

/**
 * A push the server refused as a whole (400, 401, 404, 413, 415), or that still failed after every
 * retry. Records of requests answered before the failure may have been stored: see {@link
 * #accepted()}.
 */
public final class SluiceClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final long accepted;

  SluiceClientException(String message, int status, long accepted, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.accepted = accepted;
  }

  /** The HTTP status of the last answer, or 0 when there was none (an I/O error). */
  public int status() {
    return status;
  }

  /** Records of this push that earlier requests stored before the failure. */
  public long accepted() {
    return accepted;
  }
}
