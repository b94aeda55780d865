package io.sluice.ui;

/** A page or endpoint that cannot answer: its status and a message for the reader. */
public final class PageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public PageException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /** 404: no such run, table, dashboard... */
  public static PageException notFound(String message) {
    return new PageException(404, message);
  }

  /** 400: a parameter is wrong (the message says which and why). */
  public static PageException badRequest(String message) {
    return new PageException(400, message);
  }

  public int status() {
    return status;
  }
}
