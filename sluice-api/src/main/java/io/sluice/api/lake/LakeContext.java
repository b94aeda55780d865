package io.sluice.api.lake;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a lake needs to open.
 *
 * @param stateDirectory the project's state folder; an embedded lake keeps its catalog and data
 *     here
 * @param options lake options from the project ({@code lake.options}), never null
 */
public record LakeContext(Path stateDirectory, Map<String, String> options) {
  public LakeContext {
    requireNonNull(stateDirectory, "stateDirectory is null");
    options = Map.copyOf(options);
  }
}
