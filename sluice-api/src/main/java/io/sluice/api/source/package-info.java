/**
 * The source connector SPI. A connector plans <em>splits</em> (files, partitions, key ranges) that
 * earlier batches have not consumed, and either reads a split record by record into a {@link
 * io.sluice.api.source.RecordSink} or tells the engine how to read it natively.
 *
 * <p>Positions are opaque strings chosen by the connector (a file's fingerprint, an offset); the
 * runtime stores them atomically with the data that a batch produced and hands them back to {@link
 * io.sluice.api.source.SourceConnector#plan} on the next run.
 */
package io.sluice.api.source;
