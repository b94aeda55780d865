/**
 * Sluice runs itself: schedules ({@link io.sluice.core.orchestrate.Scheduler}), the execution of
 * one run with retries by cause ({@link io.sluice.core.orchestrate.RunExecutor}, {@link
 * io.sluice.core.orchestrate.RetryPolicy}), the one-scheduler-per-project lock ({@link
 * io.sluice.core.orchestrate.SchedulerLock}), freshness SLAs ({@link
 * io.sluice.core.orchestrate.FreshnessEvaluator}), the events the pipeline emits for alerting
 * ({@link io.sluice.core.orchestrate.PipelineEvent}, {@link io.sluice.core.orchestrate.EventSink})
 * and the export of a project's schedules to an Airflow DAG ({@link
 * io.sluice.core.orchestrate.AirflowDag}). Time is injected everywhere (a {@link java.time.Clock}
 * and a {@link io.sluice.core.orchestrate.Sleeper}), so that tests simulate days in milliseconds.
 */
package io.sluice.core.orchestrate;
