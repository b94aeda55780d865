package io.sluice.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice ui}. */
@Command(
    name = "ui",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the web console (runs, quality, quarantine, lake, lineage graph, dashboards, SQL) and",
      "the orchestration API of a project, without receiving pushed records: for a batch-only",
      "project. When the project has schedules, runs them too, as sluice serve does. A project",
      "with stream sources uses sluice serve, which serves the same console. Sign in with the",
      "viewer token (serve.viewer-token-env) or the operator's query token (serve.query-token-env);",
      "see docs/ui.md."
    })
final class UiCommand implements Callable<Integer> {
  @Mixin ProjectOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      description = "Port to listen on (default: serve.port of sluice.yaml; 0 for a free one).",
      paramLabel = "PORT")
  Optional<Integer> port;

  @Override
  public Integer call() throws InterruptedException {
    return ServeCommand.serve(spec, options, port, false);
  }
}
