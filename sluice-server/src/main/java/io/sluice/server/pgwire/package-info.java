/**
 * The SQL endpoint of {@code sluice serve}: the PostgreSQL wire protocol (version 3.0), read-only.
 *
 * <p>{@link io.sluice.server.pgwire.PgWireServer} accepts connections and runs one session per
 * connection; sessions send the reads they let through to a {@link
 * io.sluice.server.pgwire.SqlBackend}, whose {@link io.sluice.server.pgwire.ResultCursor} rows are
 * streamed to the client as they come. Everything else in the package is package-private: framing,
 * SCRAM-SHA-256, type mapping, statement splitting and the read-only policy.
 */
package io.sluice.server.pgwire;
