package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

/**
 * The {@code defaults} of sluice.yaml, as written in YAML, applied to sources that do not set their
 * own.
 *
 * @param granularity {@code day} or {@code hour}
 * @param onChange {@code fail}, {@code skip} or {@code append}
 */
record ProjectDefaults(String granularity, String onChange) {
  ProjectDefaults {
    requireNonNull(granularity, "granularity is null");
    requireNonNull(onChange, "onChange is null");
  }

  /**
   * The defaults that connector options of the same name take (a connector option left unset in a
   * source file takes sluice.yaml's default of that name).
   */
  java.util.Map<String, Object> asOptions() {
    return java.util.Map.of("on-change", onChange);
  }
}
