package io.sluice.ui;

import static java.util.Objects.requireNonNull;

import io.sluice.core.project.Project;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.server.Access;
import io.sluice.server.OrchestrationEndpoint;
import io.sluice.server.QueryEndpoint;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the console reads from: the project and its runtime (the same one {@code sluice serve}
 * processes with, or the one {@code sluice ui} opened), the orchestration API, and sandboxed
 * readers of the warehouse.
 *
 * @param runtime the project's runtime: its lake, state and run history
 * @param status what {@code /health} reports with details (the processor's state per source, the
 *     streams' backlogs, the scheduler), called per request
 * @param orchestration the orchestration API (runs, schedules, backfills), when served
 * @param readers opens a sandboxed, read-only, bounded reader of the warehouse per query
 * @param tokens what a token allows (for the login page)
 * @param clock the clock pages show ages against
 * @param dashboardEvents tells open dashboards what each publication of the warehouse changed (fed
 *     by {@code sluice serve}'s processor; nothing comes under {@code sluice ui})
 */
public record ConsoleContext(
    ProjectRuntime runtime,
    Supplier<Map<String, Object>> status,
    Optional<OrchestrationEndpoint> orchestration,
    QueryEndpoint.Readers readers,
    Function<String, Access> tokens,
    Clock clock,
    io.sluice.ui.dashboard.DashboardEvents dashboardEvents) {
  public ConsoleContext {
    requireNonNull(runtime, "runtime is null");
    requireNonNull(status, "status is null");
    requireNonNull(orchestration, "orchestration is null");
    requireNonNull(readers, "readers is null");
    requireNonNull(tokens, "tokens is null");
    requireNonNull(clock, "clock is null");
    requireNonNull(dashboardEvents, "dashboardEvents is null");
  }

  /** A context whose dashboards are never told of a change (no processor feeds them). */
  public ConsoleContext(
      ProjectRuntime runtime,
      Supplier<Map<String, Object>> status,
      Optional<OrchestrationEndpoint> orchestration,
      QueryEndpoint.Readers readers,
      Function<String, Access> tokens,
      Clock clock) {
    this(
        runtime,
        status,
        orchestration,
        readers,
        tokens,
        clock,
        new io.sluice.ui.dashboard.DashboardEvents());
  }

  /** The project the console shows. */
  public Project project() {
    return runtime.project();
  }
}
