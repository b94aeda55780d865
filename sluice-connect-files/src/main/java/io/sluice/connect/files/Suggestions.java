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
    return io.sluice.config.DidYouMean.distance(a, b);
  }

  /** {@code " (did you mean 'x'?)"}, or an empty string when nothing is close. */
  static String didYouMean(String name, Collection<String> candidates) {
    return plausible(name, candidates).map(c -> " (did you mean '" + c + "'?)").orElse("");
  }
}
