/**
 * Declarative definitions of the project's YAML files, in the spirit of Kafka's {@code ConfigDef}:
 * each key is defined once ({@link io.sluice.config.ConfigKey}) with its type, default and
 * documentation, grouped per mapping ({@link io.sluice.config.ConfigDef}). The same definitions
 * check YAML nodes strictly, reporting every problem with its position, and generate the JSON
 * Schemas and the reference docs ({@link io.sluice.core.config.ReferenceDocs}).
 *
 * <p>The definitions of Sluice's files are in {@link io.sluice.core.config.ProjectSpec}, {@link
 * io.sluice.core.config.SourceSpec}, {@link io.sluice.core.config.SchemaSpec} and {@link
 * io.sluice.core.config.ModelSpec}. Everything here is immutable and thread-safe.
 */
package io.sluice.core.config;
