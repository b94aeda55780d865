package io.sluice.api.engine;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a {@link WarehouseReader} is opened with.
 *
 * @param stateDirectory the project's state folder (published warehouse snapshots live under it)
 * @param warehouse where the warehouse lives (a file for an embedded engine)
 * @param options engine options from the project (memory and thread limits apply to readers too)
 * @param readableFolders the only folders whose files queries may read: the lake's data, which the
 *     lake relations of the warehouse scan
 * @param timeout how long one query may run, from {@link WarehouseReader#query} until its cursor is
 *     closed; {@link Duration#ZERO} for no limit
 * @param maxBytes how many bytes of values one query may return (approximately: the size of the
 *     values as text); 0 for no limit
 */
public record ReaderContext(
    Path stateDirectory,
    String warehouse,
    Map<String, String> options,
    List<Path> readableFolders,
    Duration timeout,
    long maxBytes) {
  public ReaderContext {
    requireNonNull(stateDirectory, "stateDirectory is null");
    requireNonNull(warehouse, "warehouse is null");
    options = Map.copyOf(options);
    readableFolders = List.copyOf(readableFolders);
    requireNonNull(timeout, "timeout is null");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout is negative: " + timeout);
    }
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes is negative: " + maxBytes);
    }
  }
}
