package io.sluice.server;

/**
 * What a request may do, from the token it carries (a bearer token, or the web console's session
 * cookie): nothing, read (the viewer token), or also act (the operator token).
 */
public enum Access {
  /**
   * No valid token: only the ingest API (with its stream tokens), {@code /health}'s counts and the
   * console's login page.
   */
  NONE,
  /** The viewer token: every page and GET of the console and the APIs, and read-only queries. */
  VIEWER,
  /** The operator token: also what changes something (trigger, retry, backfill, pause, replay). */
  OPERATOR;

  /** Whether this access includes {@code needed}. */
  public boolean allows(Access needed) {
    return compareTo(needed) >= 0;
  }
}
