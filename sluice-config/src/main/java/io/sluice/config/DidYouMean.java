package io.sluice.config;

import java.util.Collection;
import java.util.Optional;

/**
 * Suggests the closest known name for a misspelt one: a candidate within Levenshtein distance 2, or
 * one that the input is a prefix of (or that is a prefix of the input).
 */
public final class DidYouMean {
  private static final int MAX_DISTANCE = 2;

  private DidYouMean() {}

  /** The best candidate for {@code input}, if one is close enough; ties go to the first. */
  public static Optional<String> suggest(String input, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      if (candidate.equals(input)) {
        continue;
      }
      int distance = distance(input, candidate);
      boolean prefix =
          !input.isEmpty() && (candidate.startsWith(input) || input.startsWith(candidate));
      if ((distance <= MAX_DISTANCE || prefix) && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /** {@code " (did you mean 'x'?)"}, or an empty string when nothing is close. */
  public static String hint(String input, Collection<String> candidates) {
    return suggest(input, candidates).map(s -> " (did you mean '" + s + "'?)").orElse("");
  }

  /** Levenshtein distance, case-sensitive. */
  public static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
