package io.sluice.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The web console served beside the APIs (pages under {@code /ui/}). The server routes every path
 * the console {@linkplain #handles handles} to it, with the caller's {@link Access} already
 * resolved from its bearer token or session cookie; the console decides what each access may see.
 *
 * <p>Called from HTTP threads, concurrently. {@link #handle} must complete {@code callback} (or
 * throw before writing anything, which the server answers 500).
 */
public interface WebConsole {
  /** The name of the cookie that carries a token for browsers (set by the console's login). */
  String SESSION_COOKIE = "sluice_token";

  /**
   * The header a browser's script sends with a request that changes something, authorised by the
   * session cookie; another site's form cannot send it (cross-site request forgery).
   */
  String CSRF_HEADER = "X-Sluice-Console";

  /** Whether {@code path} (without query) is the console's. */
  boolean handles(String path);

  /**
   * Answers a request to one of the console's paths.
   *
   * @param access what the caller's token allows
   */
  void handle(Request request, Response response, Callback callback, Access access)
      throws Exception;
}
