/**
 * The {@code files} source connector: CSV, NDJSON/JSON and Parquet files on local disk, planned one
 * split per file and fingerprinted so that changes are noticed. Public: {@link
 * io.sluice.connect.files.FilesConnectorFactory}, found with {@link java.util.ServiceLoader}, and
 * for connectors of files elsewhere (object storage) the reading of one file, {@link
 * io.sluice.connect.files.RecordFiles}, and its {@link io.sluice.connect.files.Compression}.
 */
package io.sluice.connect.files;
