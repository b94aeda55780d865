/**
 * Dashboards as code ({@code dashboards/*.yaml}): what a panel's SQL reads and its placeholders
 * ({@link io.sluice.core.dashboard.PanelSql}), the names of what a micro-batch changed ({@link
 * io.sluice.core.dashboard.WarehouseRelations}), and running a panel's query on the sandboxed
 * reader ({@link io.sluice.core.dashboard.PanelQuery}). The pages and the live refresh are in the
 * web console.
 */
package io.sluice.core.dashboard;
