package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * An engine chosen on the command line instead of {@code sluice.yaml}'s (e.g. {@code sluice run
 * --engine spark --master local[4]}).
 *
 * @param engine the engine to use; empty to keep the project's
 * @param options engine options to set; when the engine differs from the project's, these are the
 *     only options (the project's are for its own engine), else they are added to the project's
 */
public record EngineOverride(Optional<String> engine, Map<String, String> options) {
  public static final EngineOverride NONE = new EngineOverride(Optional.empty(), Map.of());

  public EngineOverride {
    requireNonNull(engine, "engine is null");
    options = Map.copyOf(options);
  }
}
