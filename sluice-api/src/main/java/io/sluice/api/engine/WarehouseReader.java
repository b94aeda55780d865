package io.sluice.api.engine;

import java.time.Instant;
import java.util.Optional;

/**
 * A sandboxed, read-only view of the warehouse for queries that are not the pipeline's own: {@code
 * sluice query}, the query endpoint of {@code sluice serve}, SQL clients. Opened with {@link
 * EngineFactory#openReader}.
 *
 * <p>A reader accepts only statements that read (SELECT, WITH, VALUES, FROM, TABLE, EXPLAIN,
 * DESCRIBE, SHOW, SUMMARIZE, PIVOT) and refuses everything else with a {@link
 * io.sluice.api.SluiceException} of category USER that names what was refused. Through it no file
 * outside the lake's data can be read, nothing can be written, no setting changed, nothing
 * attached, installed or loaded, and no environment variable read. It never holds the warehouse
 * against the pipeline: when the warehouse is being written (by this process or another), it reads
 * the newest snapshot the writer published.
 *
 * <p>Threading: one query at a time per reader (open another reader for concurrent queries); a
 * {@link QueryCursor#cancel()} may come from any thread. {@link #close()} closes open cursors.
 */
public interface WarehouseReader extends AutoCloseable {
  /**
   * Starts one read-only statement. The limits of the reader's {@link ReaderContext} apply from
   * this call until the cursor is closed.
   *
   * @param sql one statement; a trailing semicolon is allowed
   * @throws io.sluice.api.SluiceException (USER) for a statement that is not read-only or that the
   *     engine rejects, with its message; {@link QueryLimitException} when the timeout fires
   */
  QueryCursor query(String sql);

  /**
   * When the warehouse was being written as this reader opened: the time the snapshot it reads was
   * published. Empty when it reads the warehouse as last written.
   */
  Optional<Instant> snapshotTime();

  @Override
  void close();
}
