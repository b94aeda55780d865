/**
 * Sluice runs itself: schedules ({@link io.sluice.core.orchestrate.Scheduler}), the execution of
 * one run with retries by cause ({@link io.sluice.core.orchestrate.RunExecutor}, {@link
 * io.sluice.core.orchestrate.RetryPolicy}) and the one-scheduler-per-project lock ({@link
 * io.sluice.core.orchestrate.SchedulerLock}). Time is injected everywhere (a {@link
 * java.time.Clock} and a {@link io.sluice.core.orchestrate.Sleeper}), so that tests simulate days
 * in milliseconds.
 */
package io.sluice.core.orchestrate;
