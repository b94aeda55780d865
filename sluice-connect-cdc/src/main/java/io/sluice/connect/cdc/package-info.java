/**
 * The {@code cdc} source connector: change data capture from PostgreSQL through logical replication
 * with the built-in {@code pgoutput} plugin (an initial consistent snapshot, then inserts, updates
 * and deletes), positioned by log sequence number. Only {@link
 * io.sluice.connect.cdc.CdcConnectorFactory} is public; it is found with {@link
 * java.util.ServiceLoader}.
 */
package io.sluice.connect.cdc;
