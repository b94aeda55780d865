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
}
