package io.sluice.ui;

import io.sluice.server.Access;
import java.util.Set;

/**
 * One page of the console, at {@link #path()} and below it ({@code /ui/runs} also answers {@code
 * /ui/runs/ID}, with {@code ID} as {@link PageRequest#tail()}). Pages are rendered on the server;
 * what changes something goes through the APIs ({@code /v1/...}, {@link Endpoint}s) from the page's
 * small scripts, with the operator's access.
 */
public interface Page {
  /** Where the page is, e.g. {@code /ui/runs}; {@code /ui/} for the overview. */
  String path();

  /** The page's title, also its label in the navigation. */
  String title();

  /** Whether the navigation lists the page. */
  default boolean listed() {
    return true;
  }

  /**
   * Writes the page's content (inside the layout: navigation, title, scripts). Called from HTTP
   * threads, concurrently; only for callers with at least viewer access.
   *
   * @throws PageException to answer with a status and a message instead of the page
   */
  void render(PageRequest request, Html html) throws Exception;

  /**
   * The query parameters it takes; a name ending in {@code *} takes every name with that prefix
   * (e.g. {@code var.*}). The console refuses any other with a 400 that names it, so that a
   * mistyped filter is an error, not a page that silently shows everything.
   */
  default Set<String> parameters() {
    return Set.of();
  }

  /** What a page needs to be seen: the viewer token at least. */
  default Access needs() {
    return Access.VIEWER;
  }
}
