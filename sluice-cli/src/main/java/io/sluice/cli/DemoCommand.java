package io.sluice.cli;

import io.sluice.api.SluiceException;
import io.sluice.cli.demo.ExampleProject;
import io.sluice.cli.demo.ShopGenerator;
import io.sluice.cli.demo.Truth;
import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice demo}. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Create the example shop pipeline in a folder, generate a week of its data (orders as CSV,",
      "click events as NDJSON, customers from a CRM as JSON) with a known share of defective",
      "records, run the pipeline, show two queries, and check the quality report against the",
      "defects the generator injected."
    })
final class DemoCommand implements Callable<Integer> {
  /** Marks a folder as created by this command, so that {@code --fresh} may empty it. */
  static final String MARKER = ".sluice-demo";

  static final String REVENUE_QUERY = "SELECT * FROM daily_revenue ORDER BY revenue DESC LIMIT 5";
  static final String FUNNEL_QUERY = "SELECT * FROM funnel ORDER BY day";

  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "The folder to create the demo project in (default: ${DEFAULT-VALUE}).",
      defaultValue = "sluice-demo")
  Path directory;

  @Option(
      names = "--orders",
      paramLabel = "N",
      description =
          "Order records to generate; customers are N/10, click events 5*N (default: 20000).")
  Integer orders;

  @Option(
      names = "--defect-rate",
      paramLabel = "RATE",
      description =
          "Fraction of each source's records that get exactly one defect, 0 to 1 (default: 0.02).")
  Double defectRate;

  @Option(
      names = "--seed",
      description = "Random seed; the same seed gives the same data (default: 42).")
  Long seed;

  @Option(
      names = "--start-date",
      paramLabel = "DATE",
      description =
          "The first day of the generated week, as YYYY-MM-DD (default: 7 days before today, UTC,"
              + " so that the data is as fresh as the example's freshness check wants).")
  java.time.LocalDate startDate;

  @Option(
      names = "--fresh",
      description =
          "Start over: delete everything in DIR from an earlier demo (its data, lake, warehouse"
              + " and run history) first.")
  boolean fresh;

  @Option(
      names = "--progress",
      description = "Show a progress bar: auto (when the output is a terminal), always, never.",
      defaultValue = "auto")
  String progress;

  @Override
  public Integer call() throws IOException {
    ShopGenerator.Options generatorOptions = generatorOptions();
    Path dir = directory.toAbsolutePath().normalize();
    String shown = shellQuoted(directory.toString());
    prepare(dir, shown);
    PrintWriter out = spec.commandLine().getOut();

    List<String> copied = ExampleProject.copyTo(dir);
    Files.writeString(
        dir.resolve(MARKER),
        "Created by `sluice demo`; `sluice demo --fresh` may delete everything in this folder.\n",
        StandardCharsets.UTF_8);
    out.printf("Created the example shop project in %s (%d files).%n", dir, copied.size());
    // Loaded before any data is generated, so that a broken project fails fast.
    Project project = ProjectLoader.load(dir);

    Truth truth = ShopGenerator.generate(dir, generatorOptions);
    out.printf(
        Locale.ROOT,
        "Generated %s orders, %s click events and %s customers in %d files, %s of them (%.2f%%)"
            + " with one injected defect each (seed %d): %s to be quarantined, %s that fail a rule"
            + " of severity warn and land.%n",
        Format.count(truth.source(ShopGenerator.ORDERS).records()),
        Format.count(truth.source(ShopGenerator.CLICKS).records()),
        Format.count(truth.source(ShopGenerator.CUSTOMERS).records()),
        truth.sources().values().stream().mapToInt(s -> s.files().size()).sum(),
        Format.count(truth.quarantined() + warned(truth)),
        generatorOptions.defectRate() * 100,
        generatorOptions.seed(),
        Format.count(truth.quarantined()),
        Format.count(warned(truth)));
    out.println();
    out.printf("$ sluice run -p %s%n", shown);
    out.flush();

    RunSummary summary =
        RunCommand.runAndPrint(
            project, io.sluice.core.run.RunRequest.all("manual"), out, progress, List.of());

    try (ProjectRuntime runtime = ProjectRuntime.open(project, true)) {
      for (String sql : List.of(REVENUE_QUERY, FUNNEL_QUERY)) {
        out.println();
        out.printf("$ sluice query -p %s \"%s\"%n", shown, sql);
        QueryCommand.print(out, runtime.engine().query(sql, 100), QueryCommand.OutputFormat.table);
      }
    }

    out.println();
    List<String> mismatches = compare(summary, truth);
    if (mismatches.isEmpty()) {
      out.printf(
          "quality %s — matches the %s defects the generator injected (%s of %s records valid,"
              + " %s of them with a warning)%n",
          Format.percent(summary.score()),
          Format.count(truth.quarantined() + warned(truth)),
          Format.count(truth.valid()),
          Format.count(truth.records()),
          Format.count(warned(truth)));
    } else {
      out.printf(
          "QUALITY MISMATCH: the run reports quality %s but the generator injected %s defects"
              + " into %s records (expected quality %s):%n",
          Format.percent(summary.score()),
          Format.count(truth.quarantined()),
          Format.count(truth.records()),
          Format.percent(truth.score()));
      for (String mismatch : mismatches) {
        out.println("  " + mismatch);
      }
      out.println("This is a bug in Sluice: please report it with this output.");
    }

    out.println();
    out.println("Try next:");
    out.printf(
        "  sluice query -p %s \"SELECT _file, _line, _rules, _record FROM quarantine.orders LIMIT 10\"%n",
        shown);
    out.printf(
        "  sluice query -p %s \"SELECT lower(segment) AS segment, count(*) AS orders, sum(amount)"
            + " AS revenue FROM orders_enriched GROUP BY 1 ORDER BY 3 DESC\"%n",
        shown);
    out.printf("  sluice status -p %s%n", shown);
    dashboards(out, shown, dir);
    out.printf(
        "  sluice run -p %s      (again: nothing is new, so it reads nothing and skips every model)%n",
        shown);
    out.flush();
    if (!mismatches.isEmpty()) {
      return Main.CHECKS_FAILED;
    }
    return summary.status().succeeded() ? 0 : Main.CHECKS_FAILED;
  }

  /**
   * How to see the example's dashboards: {@code sluice ui} serves them at their addresses, once the
   * project names a viewer token (the console's sign-in).
   */
  private static void dashboards(PrintWriter out, String shown, Path project) {
    Project loaded = ProjectLoader.load(project);
    if (loaded.dashboards().isEmpty()) {
      return;
    }
    String base = "http://" + loaded.serve().host() + ":" + loaded.serve().port();
    out.printf(
        "  SHOP_VIEWER_TOKEN=secret sluice ui -p %s   (after adding `serve: {viewer-token-env:"
            + " SHOP_VIEWER_TOKEN}` to sluice.yaml; sign in with the token), then the dashboards:%n",
        shown);
    for (io.sluice.core.project.DashboardDef dashboard : loaded.dashboards()) {
      out.printf("      %s/ui/dashboards/%s%n", base, dashboard.name());
    }
  }

  private ShopGenerator.Options generatorOptions() {
    ShopGenerator.Options options = ShopGenerator.Options.defaults();
    try {
      if (orders != null) {
        options = options.withOrders(orders);
      }
      if (defectRate != null) {
        options = options.withDefectRate(defectRate);
      }
      if (seed != null) {
        options = options.withSeed(seed);
      }
      options =
          options.withStartDate(
              startDate != null
                  ? startDate
                  : java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                      .minusDays(ShopGenerator.DAYS));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return options;
  }

  /** Makes sure {@code dir} is absent or empty, emptying an earlier demo's folder on --fresh. */
  private void prepare(Path dir, String shown) throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw SluiceException.user("Cannot create the demo in %s: it is a file", dir);
    }
    if (!Files.isDirectory(dir) || isEmpty(dir)) {
      Files.createDirectories(dir);
      return;
    }
    if (!fresh) {
      throw SluiceException.user(
          "%s already exists. Pass --fresh to delete it and start the demo over, or process it"
              + " again with: sluice run -p %s",
          dir, shown);
    }
    if (!Files.exists(dir.resolve(MARKER))) {
      throw SluiceException.user(
          "Not deleting %s: it was not created by sluice demo (it has no %s file). Choose another"
              + " --dir.",
          dir, MARKER);
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (!path.equals(dir)) {
          Files.delete(path);
        }
      }
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  /** Every way the run's report differs from what the generator knows it wrote. */
  private static long warned(Truth truth) {
    return truth.sources().values().stream().mapToLong(Truth.Source::warned).sum();
  }

  static List<String> compare(RunSummary summary, Truth truth) {
    List<String> mismatches = new ArrayList<>();
    for (Truth.Source expected : truth.sources().values()) {
      Optional<RunSummary.SourceRun> found =
          summary.sources().stream().filter(s -> s.source().equals(expected.name())).findFirst();
      if (found.isEmpty()) {
        mismatches.add(expected.name() + ": not in the run");
        continue;
      }
      RunSummary.SourceRun actual = found.get();
      check(mismatches, expected.name(), "rows read", expected.records(), actual.rowsRead());
      check(mismatches, expected.name(), "rows landed", expected.valid(), actual.rowsValid());
      check(
          mismatches,
          expected.name(),
          "rows quarantined",
          expected.quarantined(),
          actual.rowsQuarantined());
      check(mismatches, expected.name(), "rows warned", expected.warned(), actual.rowsWarned());
      if (!expected.failuresByRule().equals(actual.failuresByRule())) {
        mismatches.add(
            expected.name()
                + ": failures by rule "
                + describe(actual.failuresByRule())
                + ", expected "
                + describe(expected.failuresByRule()));
      }
      List<String> failedChecks =
          actual.checks().stream()
              .filter(c -> !c.kind().equals("rule") && !c.passed())
              .map(RunSummary.CheckRun::check)
              .sorted()
              .toList();
      if (!failedChecks.equals(expected.failedChecks())) {
        mismatches.add(
            expected.name()
                + ": failed dataset checks "
                + failedChecks
                + ", expected "
                + expected.failedChecks());
      }
    }
    return mismatches;
  }

  private static void check(
      List<String> mismatches, String source, String what, long expected, long actual) {
    if (expected != actual) {
      mismatches.add(
          source
              + ": "
              + what
              + " "
              + Format.count(actual)
              + ", expected "
              + Format.count(expected));
    }
  }

  private static String describe(Map<String, Long> failures) {
    return new java.util.TreeMap<>(failures).toString();
  }

  private static String shellQuoted(String path) {
    return path.matches("[A-Za-z0-9_./:@%+=-]+") ? path : "'" + path.replace("'", "'\\''") + "'";
  }
}
