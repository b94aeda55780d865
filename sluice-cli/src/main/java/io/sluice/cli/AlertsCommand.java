package io.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.alert.AlertMonitor;
import io.sluice.core.alert.AlertState;
import io.sluice.core.alert.AlertStore;
import io.sluice.core.alert.ChannelStatus;
import io.sluice.core.project.Alerts;
import io.sluice.core.project.Project;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice alerts}: the project's alert rules, what fires, and how deliveries went. */
@Command(
    name = "alerts",
    mixinStandardHelpOptions = true,
    description = {
      "List the alert rules of sluice.yaml with the alerts that fire or are pending (target, since,",
      "last value and observation), and each channel's deliveries with its last failure, as the",
      "last process that evaluated them stored them (<state-dir>/alerts.json).",
      "With --test, post a test message to every channel (or --channel NAME) now and say whether",
      "each was delivered: exit 1 when one was not."
    })
final class AlertsCommand implements Callable<Integer> {
  @Mixin ProjectOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--format"},
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      defaultValue = "table")
  OutputFormat format;

  @Option(
      names = "--test",
      description =
          "Post a test message to the channels now (with their attempts), instead of listing;"
              + " records nothing.")
  boolean test;

  @Option(names = "--channel", paramLabel = "NAME", description = "With --test: only this channel.")
  String channel;

  enum OutputFormat {
    table,
    json
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Project project = options.load();
    ProjectOptions.printWarnings(project, spec.commandLine().getErr());
    if (channel != null && !test) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--channel goes with --test: it names the channel to test");
    }
    if (test) {
      return test(project, out);
    }
    AlertStore.Contents stored = new AlertStore(project.stateDirectory()).read();
    if (format == OutputFormat.json) {
      out.println(
          new ObjectMapper()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(json(project.alerts(), stored)));
      out.flush();
      return 0;
    }
    if (project.alerts().rules().isEmpty()) {
      out.println("No alert rules: declare them under alerts: in sluice.yaml (docs/alerts.md).");
      out.flush();
      return 0;
    }
    TextTable rules =
        new TextTable(List.of("rule", "kind", "target", "state", "since", "value", "detail"));
    for (Alerts.Rule rule : project.alerts().rules()) {
      List<AlertState> states =
          stored.states().stream().filter(s -> s.rule().equals(rule.name())).toList();
      if (states.isEmpty()) {
        rules.add(
            List.of(
                rule.name(),
                rule.kind().label(),
                rule.target().orElse("(all)"),
                "ok",
                "-",
                "-",
                ""));
      }
      for (AlertState state : states) {
        rules.add(
            List.of(
                rule.name(),
                rule.kind().label(),
                state.target(),
                state.phase() == AlertState.Phase.FIRING ? "FIRING" : "pending",
                state.since().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
                number(state.value()),
                state.detail()));
      }
    }
    rules.print(out);
    if (!project.alerts().channels().isEmpty()) {
      out.println();
      TextTable channels =
          new TextTable(List.of("channel", "delivered", "failed", "last failure", "error"));
      for (Alerts.Channel channel : project.alerts().channels()) {
        ChannelStatus status =
            stored.channels().stream()
                .filter(c -> c.channel().equals(channel.name()))
                .findFirst()
                .orElse(
                    new ChannelStatus(
                        channel.name(),
                        0,
                        0,
                        java.util.Optional.empty(),
                        java.util.Optional.empty(),
                        java.util.Optional.empty()));
        channels.add(
            List.of(
                channel.name(),
                Long.toString(status.delivered()),
                Long.toString(status.failed()),
                status
                    .lastFailureAt()
                    .map(at -> at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
                    .orElse("-"),
                status.failing() ? status.lastError().orElse("") : ""));
      }
      channels.print(out);
    }
    out.flush();
    return 0;
  }

  private int test(Project project, PrintWriter out) throws Exception {
    Map<String, java.util.Optional<String>> results =
        AlertMonitor.test(
            project,
            java.util.Optional.ofNullable(channel),
            java.time.Clock.systemUTC(),
            System.getenv(),
            io.sluice.core.orchestrate.Sleeper.REAL);
    if (format == OutputFormat.json) {
      List<Map<String, Object>> json = new ArrayList<>();
      results.forEach(
          (name, failure) -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("channel", name);
            one.put("delivered", failure.isEmpty());
            one.put("error", failure.orElse(null));
            json.add(one);
          });
      out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
    } else {
      TextTable table = new TextTable(List.of("channel", "test message", "error"));
      results.forEach(
          (name, failure) ->
              table.add(
                  List.of(
                      name,
                      failure.isEmpty() ? "delivered" : "NOT delivered",
                      failure.orElse(""))));
      table.print(out);
    }
    out.flush();
    return results.values().stream().allMatch(java.util.Optional::isEmpty) ? 0 : 1;
  }

  private static String number(double value) {
    return value == Math.rint(value)
        ? Long.toString((long) value)
        : String.format(java.util.Locale.ROOT, "%.3f", value);
  }

  private static Map<String, Object> json(Alerts alerts, AlertStore.Contents stored) {
    List<Map<String, Object>> states = new ArrayList<>();
    for (AlertState state : stored.states()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("rule", state.rule());
      one.put("target", state.target());
      one.put("state", state.phase().label());
      one.put("since", state.since().toString());
      one.put("value", state.value());
      one.put("ids", state.ids());
      one.put("detail", state.detail());
      states.add(one);
    }
    List<Map<String, Object>> channels = new ArrayList<>();
    for (ChannelStatus status : stored.channels()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("channel", status.channel());
      one.put("delivered", status.delivered());
      one.put("failed", status.failed());
      one.put("failing", status.failing());
      one.put("last-error", status.lastError().orElse(null));
      one.put("last-failure-at", status.lastFailureAt().map(Instant::toString).orElse(null));
      channels.add(one);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("rules", alerts.rules().stream().map(Alerts.Rule::name).toList());
    json.put("alerts", states);
    json.put("channels", channels);
    return json;
  }
}
