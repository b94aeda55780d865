package io.sluice.cli.serve;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format, version 0.0.4, for tests of {@code GET
 * /metrics}: it refuses what the format does not allow, and more than Prometheus itself does where
 * that keeps {@code sluice serve} honest. Written from the format's description (Prometheus docs,
 * "Exposition formats"), since no Java parser is at hand:
 *
 * <ul>
 *   <li>lines end with {@code \n}, the last one too; {@code # HELP name text} and {@code # TYPE
 *       name type} at most once per family, both before its first sample; other {@code #} lines are
 *       comments; empty lines are ignored;
 *   <li>a sample is {@code name[{label="value",...}] value [timestamp]}, with metric and label
 *       names of the allowed characters, label values escaped ({@code \\}, {@code \"}, {@code \n}
 *       only), no label twice, no label starting with {@code __}, the value a float ({@code NaN},
 *       {@code +Inf} and {@code -Inf} included) and the timestamp an integer;
 *   <li>stricter than Prometheus: every sample belongs to a family declared by a {@code TYPE} line
 *       (with a {@code HELP}), the samples of a family come in one group, no series comes twice;
 *   <li>a histogram has, per label set, cumulative {@code _bucket} samples with {@code le} ending
 *       at {@code +Inf}, whose count equals {@code _count}, and a {@code _sum}; a summary has
 *       {@code _sum} and {@code _count}; a counter is never negative.
 * </ul>
 */
final class PrometheusText {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** One sample: its full name (with a suffix such as {@code _bucket}), labels and value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  /** One metric family: its name, type, help text and samples, in their order. */
  record Family(String name, String type, String help, List<Sample> samples) {}

  private final Map<String, Family> families;

  private PrometheusText(Map<String, Family> families) {
    this.families = families;
  }

  /** The families, by name, in the order of the text. */
  Map<String, Family> families() {
    return families;
  }

  /** The family {@code name}; fails when it is missing. */
  Family family(String name) {
    Family family = families.get(name);
    if (family == null) {
      throw new AssertionError("no metric family " + name + "; there are " + families.keySet());
    }
    return family;
  }

  /**
   * The value of the sample named {@code name} whose labels include {@code labels} (name, value,
   * name, value...); fails unless exactly one matches.
   */
  double value(String name, String... labels) {
    List<Sample> matches = new ArrayList<>();
    for (Family family : families.values()) {
      for (Sample sample : family.samples()) {
        if (sample.name().equals(name) && has(sample, labels)) {
          matches.add(sample);
        }
      }
    }
    if (matches.size() != 1) {
      throw new AssertionError(
          matches.size() + " samples " + name + " with " + List.of(labels) + ": " + matches);
    }
    return matches.get(0).value();
  }

  private static boolean has(Sample sample, String... labels) {
    for (int i = 0; i < labels.length; i += 2) {
      if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
        return false;
      }
    }
    return true;
  }

  /** Parses {@code text}; throws {@link IllegalArgumentException} naming the line at fault. */
  static PrometheusText parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the text does not end with a line feed");
    }
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> helps = new LinkedHashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    Set<String> series = new HashSet<>();
    Set<String> closed = new HashSet<>(); // families whose group of lines has ended
    String current = null;
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length - 1; n++) {
      String line = lines[n];
      String at = "line " + (n + 1) + " '" + line + "': ";
      if (line.isBlank()) {
        continue;
      }
      String family;
      if (line.startsWith("#")) {
        String[] parts = line.split("[ \t]+", 4);
        if (parts.length < 3 || !parts[0].equals("#")) {
          continue; // a comment
        }
        if (!parts[1].equals("HELP") && !parts[1].equals("TYPE")) {
          continue;
        }
        family = parts[2];
        require(METRIC_NAME.matcher(family).matches(), at + "bad metric name");
        require(!samples.containsKey(family), at + parts[1] + " after the family's samples");
        if (parts[1].equals("TYPE")) {
          require(parts.length == 4 && TYPES.contains(parts[3].trim()), at + "bad type");
          require(types.put(family, parts[3].trim()) == null, at + "a second TYPE");
        } else {
          String help = parts.length == 4 ? parts[3] : "";
          require(helps.put(family, unescapeHelp(help, at)) == null, at + "a second HELP");
        }
      } else {
        Sample sample = sample(line, at);
        family = familyOf(sample.name(), types);
        require(family != null, at + "a sample of no declared family (no TYPE line)");
        require(helps.containsKey(family), at + "family " + family + " has no HELP line");
        require(
            series.add(sample.name() + new TreeMap<>(sample.labels())), at + "a repeated series");
        samples.computeIfAbsent(family, f -> new ArrayList<>()).add(sample);
      }
      if (!family.equals(current)) {
        require(!closed.contains(family), "line " + (n + 1) + ": family " + family + " split up");
        if (current != null) {
          closed.add(current);
        }
        current = family;
      }
    }
    Map<String, Family> families = new LinkedHashMap<>();
    for (Map.Entry<String, String> type : types.entrySet()) {
      String name = type.getKey();
      require(helps.containsKey(name), "family " + name + " has no HELP line");
      Family family =
          new Family(name, type.getValue(), helps.get(name), samples.getOrDefault(name, List.of()));
      check(family);
      families.put(name, family);
    }
    for (String name : helps.keySet()) {
      require(types.containsKey(name), "family " + name + " has HELP but no TYPE");
    }
    return new PrometheusText(families);
  }

  /** The family a sample name belongs to, by the suffixes its declared type allows. */
  private static String familyOf(String name, Map<String, String> types) {
    if (types.containsKey(name)) {
      String type = types.get(name);
      return type.equals("histogram") ? null : name; // a histogram has only suffixed samples
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (name.endsWith(suffix)) {
        String family = name.substring(0, name.length() - suffix.length());
        String type = types.get(family);
        if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) {
          return family;
        }
      }
    }
    return null;
  }

  private static Sample sample(String line, String at) {
    int i = 0;
    int length = line.length();
    while (i < length && line.charAt(i) != '{' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
      i++;
    }
    String name = line.substring(0, i);
    require(METRIC_NAME.matcher(name).matches(), at + "bad metric name");
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < length && line.charAt(i) == '{') {
      i++;
      while (true) {
        i = skipBlanks(line, i);
        require(i < length, at + "unterminated labels");
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int start = i;
        while (i < length && line.charAt(i) != '=' && line.charAt(i) != ' ') {
          i++;
        }
        String label = line.substring(start, i);
        require(LABEL_NAME.matcher(label).matches(), at + "bad label name '" + label + "'");
        require(!label.startsWith("__"), at + "reserved label name " + label);
        i = skipBlanks(line, i);
        require(i < length && line.charAt(i) == '=', at + "no '=' after label " + label);
        i = skipBlanks(line, i + 1);
        require(i < length && line.charAt(i) == '"', at + "label value not quoted");
        StringBuilder value = new StringBuilder();
        i++;
        while (true) {
          require(i < length, at + "unterminated label value");
          char c = line.charAt(i++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            require(i < length, at + "unterminated escape");
            char e = line.charAt(i++);
            switch (e) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new IllegalArgumentException(at + "bad escape \\" + e);
            }
          } else {
            value.append(c);
          }
        }
        require(labels.put(label, value.toString()) == null, at + "label " + label + " twice");
        i = skipBlanks(line, i);
        require(i < length, at + "unterminated labels");
        if (line.charAt(i) == ',') {
          i++;
        } else {
          require(line.charAt(i) == '}', at + "expected ',' or '}' after a label");
        }
      }
    }
    require(i < length && (line.charAt(i) == ' ' || line.charAt(i) == '\t'), at + "no value");
    String[] rest = line.substring(i).trim().split("[ \t]+");
    require(rest.length == 1 || rest.length == 2, at + "expected a value and a timestamp at most");
    double value = number(rest[0], at);
    if (rest.length == 2) {
      try {
        Long.parseLong(rest[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(at + "bad timestamp " + rest[1], e);
      }
    }
    return new Sample(name, labels, value);
  }

  private static double number(String text, String at) {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        require(text.matches("[-+]?[0-9.]+([eE][-+]?[0-9]+)?"), at + "bad value " + text);
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(at + "bad value " + text, e);
        }
    }
  }

  private static void check(Family family) {
    String name = family.name();
    switch (family.type()) {
      case "counter" -> {
        for (Sample sample : family.samples()) {
          require(sample.value() >= 0, name + ": a negative counter " + sample);
        }
      }
      case "histogram" -> checkHistogram(family);
      case "summary" -> {
        Map<Map<String, String>, Set<String>> parts = new LinkedHashMap<>();
        for (Sample sample : family.samples()) {
          Map<String, String> labels = new TreeMap<>(sample.labels());
          labels.remove("quantile");
          parts.computeIfAbsent(labels, l -> new HashSet<>()).add(sample.name());
        }
        parts.forEach(
            (labels, names) ->
                require(
                    names.contains(name + "_sum") && names.contains(name + "_count"),
                    name + labels + ": a summary without _sum and _count"));
      }
      default -> {}
    }
  }

  private static void checkHistogram(Family family) {
    String name = family.name();
    Map<Map<String, String>, TreeMap<Double, Double>> buckets = new LinkedHashMap<>();
    Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
    Map<Map<String, String>, Double> sums = new LinkedHashMap<>();
    for (Sample sample : family.samples()) {
      Map<String, String> labels = new TreeMap<>(sample.labels());
      if (sample.name().equals(name + "_bucket")) {
        String le = labels.remove("le");
        require(le != null, name + ": a bucket without le " + sample);
        buckets
            .computeIfAbsent(labels, l -> new TreeMap<>())
            .put(number(le, name + ": le of " + sample + ": "), sample.value());
      } else if (sample.name().equals(name + "_count")) {
        counts.put(labels, sample.value());
      } else {
        sums.put(labels, sample.value());
      }
    }
    require(
        buckets.keySet().equals(counts.keySet()) && counts.keySet().equals(sums.keySet()),
        name + ": _bucket, _count and _sum do not cover the same label sets");
    buckets.forEach(
        (labels, byBound) -> {
          require(
              byBound.lastKey() == Double.POSITIVE_INFINITY,
              name + labels + ": no le=\"+Inf\" bucket");
          double previous = 0;
          for (double count : byBound.values()) {
            require(count >= previous, name + labels + ": buckets not cumulative " + byBound);
            previous = count;
          }
          require(
              byBound.lastEntry().getValue().equals(counts.get(labels)),
              name + labels + ": the +Inf bucket differs from _count");
        });
  }

  private static int skipBlanks(String line, int i) {
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static String unescapeHelp(String help, String at) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < help.length(); i++) {
      char c = help.charAt(i);
      if (c == '\\') {
        require(i + 1 < help.length(), at + "unterminated escape in HELP");
        char e = help.charAt(++i);
        if (e == '\\') {
          out.append('\\');
        } else if (e == 'n') {
          out.append('\n');
        } else {
          throw new IllegalArgumentException(at + "bad escape \\" + e + " in HELP");
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static void require(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalArgumentException(problem);
    }
  }
}
