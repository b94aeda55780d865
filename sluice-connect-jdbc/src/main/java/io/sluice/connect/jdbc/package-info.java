/**
 * The {@code jdbc} connector: reads a table or a query of any database with a JDBC driver on the
 * class path (PostgreSQL, MySQL/MariaDB and SQLite ship with Sluice), as a full refresh every run
 * or incrementally by cursor columns with a lookback window for rows committed late.
 */
package io.sluice.connect.jdbc;
