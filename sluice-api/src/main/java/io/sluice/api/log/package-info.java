/**
 * The ingest log SPI: where pushed records are made durable before they are acknowledged, and where
 * the continuous processor reads them from.
 *
 * <p>A log holds, per stream, a fixed number of partitions; each partition is an ordered sequence
 * of opaque records numbered by offsets that start at 0 and grow by one per record. Records with
 * the same partition key go to the same partition, so their order is kept. A consumer stores its
 * positions (the next offset to read per partition) with the data it produced from them, and tells
 * the log with {@link io.sluice.api.log.IngestLog#release} which records it no longer needs;
 * retention never deletes a record that was not released.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} through {@link
 * io.sluice.api.log.IngestLogFactory}: the embedded segment-file log ({@code local}) now, a
 * Kafka-backed log later, without changing callers.
 */
package io.sluice.api.log;
