package io.sluice.api.engine;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;

/**
 * What an engine is opened with.
 *
 * @param stateDirectory the project's state folder (scratch space lives under it)
 * @param warehouse where the warehouse lives (a file for an embedded engine)
 * @param options engine options from the project
 * @param readOnly open the warehouse for reading only (queries while another process runs)
 */
public record EngineContext(
    Path stateDirectory, String warehouse, Map<String, String> options, boolean readOnly) {
  public EngineContext {
    requireNonNull(stateDirectory, "stateDirectory is null");
    requireNonNull(warehouse, "warehouse is null");
    options = Map.copyOf(options);
  }
}
