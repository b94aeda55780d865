package io.sluice.ui;

import io.sluice.server.Access;
import java.util.Set;

/**
 * A JSON endpoint of the console ({@code /ui/api/...}) for what a page's script needs that the
 * public APIs do not offer. Answers are JSON values: {@link java.util.Map}, {@link java.util.List},
 * strings, numbers, booleans, null, or records (rendered by Jackson).
 */
public interface Endpoint {
  /** {@code GET} or {@code POST}. */
  String method();

  /**
   * Where it is, e.g. {@code /ui/api/quarantine}; paths below it come as {@link
   * PageRequest#tail()}.
   */
  String path();

  /** What the caller needs: viewer access for reads, operator access for what changes anything. */
  Access needs();

  /**
   * The query parameters it takes; a name ending in {@code *} takes every name with that prefix
   * (e.g. {@code var.*}). The console refuses any other with a 400 that names it, so that a
   * mistyped filter is an error, not a page that silently shows everything.
   */
  default Set<String> parameters() {
    return Set.of();
  }

  /**
   * Answers the request; called from HTTP threads, concurrently.
   *
   * @throws PageException to answer with a status and a message
   */
  Object answer(PageRequest request) throws Exception;
}
