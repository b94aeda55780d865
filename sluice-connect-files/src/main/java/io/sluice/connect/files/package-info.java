/**
 * The {@code files} source connector: CSV, NDJSON/JSON and Parquet files on local disk, planned one
 * split per file and fingerprinted so that changes are noticed. Only {@link
 * io.sluice.connect.files.FilesConnectorFactory} is public; it is found with {@link
 * java.util.ServiceLoader}.
 */
package io.sluice.connect.files;
