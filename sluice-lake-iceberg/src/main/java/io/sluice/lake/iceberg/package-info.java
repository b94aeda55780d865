/**
 * The {@code iceberg} lake plugin: {@link io.sluice.lake.iceberg.IcebergLakeFactory} opens Apache
 * Iceberg tables in a JDBC catalog (SQLite by default) and commits the Parquet files that engines
 * write, after checking their field ids, types, counts and partition values against the table.
 */
package io.sluice.lake.iceberg;
