package io.sluice.connect.files;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" suggestions for names a user typed. */
final class Suggestions {
  private Suggestions() {}

  /**
   * The candidate closest to {@code name} by edit distance (ignoring case), or empty when there are
   * no candidates. Ties go to the earlier candidate.
   */
  static Optional<String> closest(String name, Collection<String> candidates) {
    String target = name.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = editDistance(target, candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The closest candidate, but only when it is close enough to be a plausible typo. */
  static Optional<String> plausible(String name, Collection<String> candidates) {
    return closest(name, candidates)
        .filter(
            candidate ->
                editDistance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT))
                    <= Math.max(2, name.length() / 3));
  }

  /** Levenshtein distance. */
  static int editDistance(String a, String b) {
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

  /** {@code " (did you mean 'x'?)"}, or an empty string when nothing is close. */
  static String didYouMean(String name, Collection<String> candidates) {
    return plausible(name, candidates).map(c -> " (did you mean '" + c + "'?)").orElse("");
  }
}
