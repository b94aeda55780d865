package io.sluice.cli.demo;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the generator wrote and what a correct pipeline must make of it: per source, the records
 * written, and the exact defective records with the one rule each must fail. Every other record is
 * valid and must land in the clean table.
 *
 * @param sources per source name ({@code clicks}, {@code customers}, {@code orders}), sorted
 * @param paidRevenueByDay sum of {@code amount} of the valid orders whose status is {@code paid} or
 *     {@code shipped}, per UTC order date: what {@code daily_revenue} must add up to
 */
public record Truth(
    SortedMap<String, Source> sources, SortedMap<LocalDate, BigDecimal> paidRevenueByDay) {
  public Truth {
    sources = Collections.unmodifiableSortedMap(new TreeMap<>(sources));
    paidRevenueByDay = Collections.unmodifiableSortedMap(new TreeMap<>(paidRevenueByDay));
  }

  /** The truth of one source; throws if there is no such source. */
  public Source source(String name) {
    Source source = sources.get(name);
    if (source == null) {
      throw new IllegalArgumentException(
          "No source '" + name + "' in the generated data; there are " + sources.keySet());
    }
    return source;
  }

  /** Records written, all sources. */
  public long records() {
    return sources.values().stream().mapToLong(Source::records).sum();
  }

  /** Records that must land in clean tables, all sources. */
  public long valid() {
    return sources.values().stream().mapToLong(Source::valid).sum();
  }

  /** Records that must be quarantined (one injected defect each), all sources. */
  public long quarantined() {
    return sources.values().stream().mapToLong(Source::quarantined).sum();
  }

  /** The quality score a correct run reports: valid / records, 1.0 for no records. */
  public double score() {
    return records() == 0 ? 1.0 : (double) valid() / records();
  }

  /** Total of {@link #paidRevenueByDay}. */
  public BigDecimal paidRevenue() {
    return paidRevenueByDay.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /**
   * The truth of this data followed by {@code later} data: what a pipeline that landed both must
   * have in total.
   */
  public Truth plus(Truth later) {
    SortedMap<String, Source> merged = new TreeMap<>(sources);
    later.sources.forEach((name, source) -> merged.merge(name, source, Source::plus));
    SortedMap<LocalDate, BigDecimal> revenue = new TreeMap<>(paidRevenueByDay);
    later.paidRevenueByDay.forEach((day, amount) -> revenue.merge(day, amount, BigDecimal::add));
    return new Truth(merged, revenue);
  }

  /**
   * One source's records.
   *
   * @param name source name
   * @param files the files written, relative to the project with {@code /} separators
   * @param records records written (data lines, not counting a CSV header)
   * @param defects every defective record that must be quarantined, in file and line order
   * @param warnings every record that must fail a rule of severity warn and still land, in file and
   *     line order
   * @param failedChecks the dataset checks of the source that must fail on the run that lands these
   *     files (the {@link DatasetIncident}s built into them), sorted; every other one must pass
   */
  public record Source(
      String name,
      List<String> files,
      long records,
      List<Defect> defects,
      List<Defect> warnings,
      List<String> failedChecks) {
    public Source {
      requireNonNull(name, "name is null");
      files = List.copyOf(files);
      defects = List.copyOf(defects);
      warnings = List.copyOf(warnings);
      failedChecks = failedChecks.stream().sorted().toList();
      if (defects.size() > records) {
        throw new IllegalArgumentException(
            "More defects (" + defects.size() + ") than records (" + records + ")");
      }
    }

    /** Records that must land in the clean table. */
    public long valid() {
      return records - defects.size();
    }

    /** Records that must land in the quarantine table. */
    public long quarantined() {
      return defects.size();
    }

    public Source(String name, List<String> files, long records, List<Defect> defects) {
      this(name, files, records, defects, List.of(), List.of());
    }

    public Source(
        String name,
        List<String> files,
        long records,
        List<Defect> defects,
        List<Defect> warnings) {
      this(name, files, records, defects, warnings, List.of());
    }

    /** This truth, with the dataset checks that must fail on its run. */
    Source withFailedChecks(List<String> checks) {
      return new Source(name, files, records, defects, warnings, checks);
    }

    /** Records that land but fail a rule of severity warn. */
    public long warned() {
      return warnings.size();
    }

    /**
     * Expected failures per rule key, as in {@code RunSummary.SourceRun.failuresByRule()}: the
     * quarantined defects and the warnings.
     */
    public Map<String, Long> failuresByRule() {
      Map<String, Long> failures = new TreeMap<>();
      for (Defect defect : defects) {
        failures.merge(defect.rule(), 1L, Long::sum);
      }
      for (Defect warning : warnings) {
        failures.merge(warning.rule(), 1L, Long::sum);
      }
      return Collections.unmodifiableMap(failures);
    }

    /**
     * This source's data followed by {@code later}'s. Dataset checks are judged per run: the sum
     * keeps the failed checks of both, for a single run over both (where the drift checks might
     * judge differently, so compare them per run).
     */
    Source plus(Source later) {
      List<String> allFiles = new ArrayList<>(files);
      allFiles.addAll(later.files);
      List<Defect> allDefects = new ArrayList<>(defects);
      allDefects.addAll(later.defects);
      List<Defect> allWarnings = new ArrayList<>(warnings);
      allWarnings.addAll(later.warnings);
      List<String> checks = new ArrayList<>(failedChecks);
      later.failedChecks.stream().filter(c -> !checks.contains(c)).forEach(checks::add);
      return new Source(name, allFiles, records + later.records, allDefects, allWarnings, checks);
    }
  }

  /**
   * One defective record.
   *
   * @param file the file, relative to the project with {@code /} separators (the split key the
   *     pipeline records in {@code _file})
   * @param line the record's 1-based line in the file (a CSV header is line 1)
   * @param rule the failure key, {@code rule(column)} such as {@code range(amount)}, or {@code
   *     parse}
   */
  public record Defect(String file, long line, String rule) {
    public Defect {
      requireNonNull(file, "file is null");
      requireNonNull(rule, "rule is null");
    }

    /** The rule's name without its column: {@code range} for {@code range(amount)}. */
    public String ruleName() {
      int paren = rule.indexOf('(');
      return paren < 0 ? rule : rule.substring(0, paren);
    }

    /** The rule's column, empty for row-level failures such as {@code parse}. */
    public String column() {
      int paren = rule.indexOf('(');
      return paren < 0 ? "" : rule.substring(paren + 1, rule.length() - 1);
    }
  }
}
