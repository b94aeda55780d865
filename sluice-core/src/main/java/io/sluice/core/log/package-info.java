/**
 * The embedded ingest log ({@code local}): per stream partition a folder of segment files, each
 * record framed by its length and a CRC-32C, made durable by one fsync per group of waiting appends
 * on a dedicated thread, with segment roll by size, retention by size and age that only deletes
 * released records, and recovery that truncates a torn or corrupt tail on open.
 *
 * <p>It lives in core rather than in a module of its own because it needs nothing but the JDK and
 * the SPI; a Kafka-backed log, which brings a client library, gets its own module.
 */
package io.sluice.core.log;
