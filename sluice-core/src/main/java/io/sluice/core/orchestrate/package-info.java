/**
 * Orchestration around runs: freshness SLAs ({@link
 * io.sluice.core.orchestrate.FreshnessEvaluator}), the events the pipeline emits for alerting
 * ({@link io.sluice.core.orchestrate.PipelineEvent}, {@link io.sluice.core.orchestrate.EventSink}),
 * and the export of a project's schedules to an Airflow DAG ({@link
 * io.sluice.core.orchestrate.AirflowDag}).
 */
package io.sluice.core.orchestrate;
