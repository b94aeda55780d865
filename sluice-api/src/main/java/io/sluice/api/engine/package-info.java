/**
 * The engine SPI: what runs the SQL of a pipeline. An engine stages source records, maps and
 * validates them, writes lake data files, exposes lake tables to SQL, materializes models and
 * answers queries against the warehouse.
 *
 * <p>The runtime compiles mappings and rules to SQL through the engine's {@link
 * io.sluice.api.engine.SqlDialect}; the engine never sees project files. An {@link
 * io.sluice.api.engine.Engine} is used from one thread at a time.
 */
package io.sluice.api.engine;
