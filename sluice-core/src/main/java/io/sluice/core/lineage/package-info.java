/**
 * OpenLineage run events for every run the run history records: {@link
 * io.sluice.core.lineage.LineageEvents} builds them from the project and the run, {@link
 * io.sluice.core.lineage.Lineage} delivers them through the {@code lineage} transport of {@code
 * sluice.yaml} (a file or an HTTP endpoint) without ever failing a run. See docs/lineage.md.
 */
package io.sluice.core.lineage;
