package io.sluice.api.source;

import static java.util.Objects.requireNonNull;

/**
 * A unit of source data that one batch consumes whole.
 *
 * @param key stable identity of the split (a file's path relative to the project)
 * @param position the position to record once the split is landed (e.g. a file fingerprint)
 * @param location where an engine reads it natively (an absolute path or URI)
 * @param sizeBytes size for progress reporting; 0 when unknown
 */
public record Split(String key, String position, String location, long sizeBytes) {
  public Split {
    requireNonNull(key, "key is null");
    requireNonNull(position, "position is null");
    requireNonNull(location, "location is null");
  }
}
