package io.sluice.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.SluiceException;
import io.sluice.cli.demo.Truth.Defect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShopGeneratorTest {
  private static final ShopGenerator.Options SMALL =
      ShopGenerator.Options.defaults().withOrders(3_000).withDefectRate(0.05);

  @TempDir Path tmp;

  @Test
  void sameOptionsGiveByteIdenticalFiles() throws IOException {
    Path first = tmp.resolve("first");
    Path second = tmp.resolve("second");
    Truth a = ShopGenerator.generate(first, SMALL);
    Truth b = ShopGenerator.generate(second, SMALL);
    ShopGenerator.appendBatch(first, SMALL, 1);
    ShopGenerator.appendBatch(second, SMALL, 1);

    assertThat(b).isEqualTo(a);
    Map<String, byte[]> files = contents(first);
    assertThat(files).hasSize(4 + 4 + 1 + 3);
    Map<String, byte[]> again = contents(second);
    assertThat(again.keySet()).isEqualTo(files.keySet());
    files.forEach((name, bytes) -> assertThat(again.get(name)).as(name).isEqualTo(bytes));
  }

  @Test
  void anotherSeedGivesOtherData() throws IOException {
    Path first = tmp.resolve("first");
    Path second = tmp.resolve("second");
    ShopGenerator.generate(first, SMALL);
    ShopGenerator.generate(second, SMALL.withSeed(43));

    String file = "data/orders/orders-0001.csv";
    assertThat(Files.readString(second.resolve(file)))
        .isNotEqualTo(Files.readString(first.resolve(file)));
  }

  @Test
  void truthMatchesAnIndependentCheckOfTheFiles() {
    Truth initial = ShopGenerator.generate(tmp, SMALL);
    Truth later = ShopGenerator.appendBatch(tmp, SMALL, 1);
    Truth latest = ShopGenerator.appendBatch(tmp, SMALL, 2);

    ShopRulesOracle oracle = new ShopRulesOracle();
    for (Truth truth : List.of(initial, later, latest)) {
      for (String source : List.of("customers", "orders", "clicks")) {
        Truth.Source expected = truth.source(source);
        long records = 0;
        List<Defect> defects = new ArrayList<>();
        List<Defect> warnings = new ArrayList<>();
        for (String file : expected.files()) {
          ShopRulesOracle.Result result = oracle.check(tmp, file);
          records += result.records();
          defects.addAll(result.defects());
          warnings.addAll(result.warnings());
          assertThat(result.failuresPerRecord())
              .as("every record of %s fails at most one rule", file)
              .allSatisfy(failures -> assertThat(failures).hasSizeLessThanOrEqualTo(1));
        }
        assertThat(records).as(source + " records").isEqualTo(expected.records());
        assertThat(defects).as(source + " defects").isEqualTo(expected.defects());
        assertThat(warnings).as(source + " warnings").isEqualTo(expected.warnings());
      }
    }
  }

  @Test
  void filesHoldTheRecordCountsOfTheOptions() {
    Truth truth = ShopGenerator.generate(tmp, SMALL);

    assertThat(truth.source("orders").records()).isEqualTo(3_000);
    assertThat(truth.source("customers").records()).isEqualTo(300);
    assertThat(truth.source("clicks").records()).isEqualTo(15_000);
    assertThat(truth.source("orders").files())
        .containsExactly(
            "data/orders/orders-0001.csv",
            "data/orders/orders-0002.csv",
            "data/orders/orders-0003.csv",
            "data/orders/orders-0004.csv");
    assertThat(truth.source("clicks").files()).hasSize(4).allMatch(f -> f.endsWith(".ndjson"));
    assertThat(truth.source("customers").files())
        .containsExactly("data/customers/customers-0001.json");
    assertThat(truth.records()).isEqualTo(18_300);
    assertThat(truth.valid() + truth.quarantined()).isEqualTo(truth.records());
  }

  @Test
  void defectRateIsHonouredInEverySource() {
    for (double rate : new double[] {0, 0.013, 0.02, 0.1, 0.5}) {
      Path dir = tmp.resolve("rate-" + rate);
      Truth truth = ShopGenerator.generate(dir, SMALL.withDefectRate(rate));
      for (Truth.Source source : truth.sources().values()) {
        assertThat(source.quarantined() + source.warned())
            .as("%s at %s", source.name(), rate)
            .isEqualTo(Math.round(source.records() * rate));
        assertThat(source.failuresByRule().values().stream().mapToLong(Long::longValue).sum())
            .isEqualTo(source.quarantined() + source.warned());
      }
    }
  }

  @Test
  void everyDefectKindAppearsEvenlyAtFivePercentOfTwentyThousandOrders() {
    Truth truth =
        ShopGenerator.generate(tmp, ShopGenerator.Options.defaults().withDefectRate(0.05));

    assertThat(truth.source("orders").failuresByRule())
        .containsOnlyKeys(
            "not_null(customer_id)",
            "range(amount)",
            "accepted_values(status)",
            "type(amount)",
            "type(ordered_at)",
            "regex(currency)",
            "parse",
            "unique(order_id)",
            "relationships(customer_id)",
            "length(country)",
            "approved_amount")
        // 1,000 defects over 11 kinds, used in turn.
        .allSatisfy((rule, count) -> assertThat(count).isBetween(90L, 91L));
    assertThat(truth.source("clicks").failuresByRule())
        .containsOnlyKeys(
            "parse",
            "accepted_values(event_type)",
            "not_null(session_id)",
            "unique(event_id)",
            "type(event_time)",
            "format(url)")
        .allSatisfy((rule, count) -> assertThat(count).isBetween(833L, 834L));
    // format(url) has severity warn: those clicks land.
    assertThat(truth.source("clicks").warnings())
        .allSatisfy(w -> assertThat(w.rule()).isEqualTo("format(url)"))
        .hasSize((int) (long) truth.source("clicks").failuresByRule().get("format(url)"));
    assertThat(truth.source("customers").failuresByRule())
        .containsOnlyKeys(
            "regex(email)",
            "not_null(customer_id)",
            "accepted_values(segment)",
            "type(signed_up_on)",
            "unique(customer_id)")
        .allSatisfy((rule, count) -> assertThat(count).isEqualTo(20));
    assertThat(truth.quarantined() + truth.source("clicks").warned())
        .isEqualTo(1_000 + 5_000 + 100);
  }

  @Test
  void duplicatesCopyValidRecordsOfTheSameOrAnEarlierFile() throws IOException {
    Truth truth = ShopGenerator.generate(tmp, SMALL);

    Map<String, List<String>> lines = new TreeMap<>();
    for (String file : truth.source("orders").files()) {
      lines.put(file, Files.readAllLines(tmp.resolve(file)));
    }
    int duplicates = 0;
    int crossFile = 0;
    for (Defect defect : truth.source("orders").defects()) {
      if (!defect.rule().equals("unique(order_id)")) {
        continue;
      }
      String id = lines.get(defect.file()).get((int) defect.line() - 1).split(",")[0];
      // The first occurrence, in file and line order, is a valid record.
      String firstFile = null;
      int firstLine = -1;
      for (Map.Entry<String, List<String>> file : lines.entrySet()) {
        List<String> content = file.getValue();
        for (int i = 1; i < content.size() && firstFile == null; i++) {
          if (content.get(i).startsWith(id + ",")) {
            firstFile = file.getKey();
            firstLine = i + 1;
          }
        }
      }
      String first = firstFile;
      long line = firstLine;
      assertThat(truth.source("orders").defects())
          .noneMatch(d -> d.file().equals(first) && d.line() == line);
      assertThat(first.compareTo(defect.file()) < 0 || line < defect.line()).isTrue();
      if (!first.equals(defect.file())) {
        crossFile++;
      }
      duplicates++;
    }
    assertThat((long) duplicates)
        .isEqualTo(truth.source("orders").failuresByRule().get("unique(order_id)"))
        .isPositive();
    assertThat(crossFile).isPositive();
  }

  @Test
  void aboutFivePercentOfClicksArriveOneToThreeDaysLate() throws IOException {
    Truth truth = ShopGenerator.generate(tmp, SMALL.withDefectRate(0));
    ObjectMapper json = new ObjectMapper();
    Instant start = SMALL.startDate().atStartOfDay(ZoneOffset.UTC).toInstant();
    Duration window = Duration.ofDays(7).dividedBy(4);

    long late = 0;
    long total = 0;
    for (int f = 0; f < 4; f++) {
      Instant from = start.plus(window.multipliedBy(f));
      for (String line : Files.readAllLines(tmp.resolve(truth.source("clicks").files().get(f)))) {
        JsonNode event = json.readTree(line);
        assertThat(event.at("/user/id").isMissingNode() || event.at("/user/id").isTextual())
            .isTrue();
        assertThat(event.at("/context/page/url").asText()).startsWith("https://shop.example.com/");
        assertThat(event.at("/context/geo/country").asText())
            .isIn("DE", "FR", "NL", "ES", "IT", "PL", "SE");
        assertThat(event.get("ts").asText()).endsWith("Z");
        Instant ts = Instant.parse(event.get("ts").asText());
        total++;
        if (ts.isBefore(from)) {
          late++;
          assertThat(ts).isBetween(from.minus(Duration.ofDays(3)), from.minus(Duration.ofDays(1)));
        } else {
          assertThat(ts).isBefore(from.plus(window));
        }
      }
    }
    assertThat((double) late / total).isBetween(0.04, 0.06);
  }

  @Test
  void ordersAreQuotedWhereNeededAndMissingValuesAreEmpty() throws IOException {
    Truth truth = ShopGenerator.generate(tmp, SMALL);

    List<String> all = new ArrayList<>();
    for (String file : truth.source("orders").files()) {
      List<String> lines = Files.readAllLines(tmp.resolve(file));
      assertThat(lines.get(0))
          .isEqualTo("order_id,customer_id,ordered_at,status,amount,currency,country");
      all.addAll(lines.subList(1, lines.size()));
    }
    assertThat(all).anyMatch(l -> l.matches("[0-9]+,C[0-9]+,[^,]+,[a-z_]+,\"[0-9]+,[0-9]x\",.*"));
    assertThat(all).anyMatch(l -> l.matches("[0-9]+,,.*"));
    assertThat(all).noneMatch(l -> l.contains("\"\""));
  }

  @Test
  void laterBatchesContinueTimeAndIdsInNewFiles() throws IOException {
    Truth initial = ShopGenerator.generate(tmp, SMALL);
    Truth later = ShopGenerator.appendBatch(tmp, SMALL, 1);

    assertThat(later.source("orders").files()).containsExactly("data/orders/orders-0005.csv");
    assertThat(later.source("clicks").files()).containsExactly("data/clicks/clicks-0005.ndjson");
    assertThat(later.source("customers").files())
        .containsExactly("data/customers/customers-0002.json");
    assertThat(later.source("orders").records()).isEqualTo(750);
    assertThat(later.source("clicks").records()).isEqualTo(3_750);
    assertThat(later.source("customers").records()).isEqualTo(75);
    assertThat(later.source("orders").quarantined()).isEqualTo(Math.round(750 * 0.05));
    assertThat(Collections.min(later.paidRevenueByDay().keySet()))
        .isAfterOrEqualTo(Collections.max(initial.paidRevenueByDay().keySet()));

    List<String> before = Files.readAllLines(tmp.resolve("data/orders/orders-0004.csv"));
    List<String> after = Files.readAllLines(tmp.resolve("data/orders/orders-0005.csv"));
    long lastBefore = Long.parseLong(before.get(before.size() - 1).split(",")[0]);
    long firstAfter = Long.parseLong(after.get(1).split(",")[0]);
    assertThat(firstAfter).isGreaterThan(lastBefore);
    assertThat(after.get(1).split(",")[2])
        .isGreaterThan(before.get(before.size() - 1).split(",")[2]);

    Truth both = initial.plus(later);
    assertThat(both.source("orders").records()).isEqualTo(3_750);
    assertThat(both.source("orders").files()).hasSize(5);
    assertThat(both.paidRevenue()).isEqualTo(initial.paidRevenue().add(later.paidRevenue()));
  }

  @Test
  void aLaterBatchIsTheSameWhetherOrNotEarlierOnesWereWrittenHere() throws IOException {
    ShopGenerator.generate(tmp.resolve("a"), SMALL);
    Truth here = ShopGenerator.appendBatch(tmp.resolve("a"), SMALL, 2);
    Truth elsewhere = ShopGenerator.appendBatch(tmp.resolve("b"), SMALL, 2);

    assertThat(elsewhere).isEqualTo(here);
    assertThat(here.source("orders").files()).containsExactly("data/orders/orders-0006.csv");
    assertThat(Files.readString(tmp.resolve("b/data/orders/orders-0006.csv")))
        .isEqualTo(Files.readString(tmp.resolve("a/data/orders/orders-0006.csv")));
  }

  @Test
  void refusesToWriteOverExistingData() {
    ShopGenerator.generate(tmp, SMALL);

    assertThatThrownBy(() -> ShopGenerator.generate(tmp, SMALL))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("already has files");
    ShopGenerator.appendBatch(tmp, SMALL, 1);
    assertThatThrownBy(() -> ShopGenerator.appendBatch(tmp, SMALL, 1))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void rejectsInvalidOptions() {
    ShopGenerator.Options defaults = ShopGenerator.Options.defaults();
    assertThatThrownBy(() -> defaults.withOrders(0)).hasMessageContaining("orders");
    assertThatThrownBy(() -> defaults.withDefectRate(1.5)).hasMessageContaining("defect rate");
    assertThatThrownBy(() -> defaults.withDefectRate(Double.NaN))
        .hasMessageContaining("defect rate");
    assertThatThrownBy(() -> defaults.withFiles(0)).hasMessageContaining("files");
    assertThat(defaults)
        .isEqualTo(
            new ShopGenerator.Options(20_000, 0.02, 42, 4, java.time.LocalDate.of(2026, 11, 1)));
  }

  @Test
  void datasetIncidentsShapeTheirBatchAndKeepTheRowLevelTruth() throws IOException {
    ShopGenerator.Options options =
        SMALL
            .withIncident(4, DatasetIncident.TRUNCATED_EXPORT)
            .withIncident(4, DatasetIncident.GEO_OUTAGE)
            .withIncident(5, DatasetIncident.REGIONAL_EXPORT)
            .withIncident(5, DatasetIncident.TRACKER_DOWN)
            .withIncident(6, DatasetIncident.DOUBLE_SUBMIT);
    List<Truth> truths = new ArrayList<>();
    truths.add(ShopGenerator.generate(tmp, options));
    for (int batch = 1; batch <= 7; batch++) {
      truths.add(ShopGenerator.appendBatch(tmp, options, batch));
    }

    // Row-level defects are as exact as without incidents.
    ShopRulesOracle oracle = new ShopRulesOracle();
    for (Truth truth : truths) {
      for (String source : List.of("customers", "orders", "clicks")) {
        List<Defect> defects = new ArrayList<>();
        for (String file : truth.source(source).files()) {
          defects.addAll(oracle.check(tmp, file).defects());
        }
        assertThat(defects).as(source).isEqualTo(truth.source(source).defects());
      }
    }

    assertThat(truths.get(3).source("orders").records()).isEqualTo(750);
    assertThat(truths.get(4).source("orders").records()).as("truncated").isEqualTo(75);
    assertThat(truths.get(4).source("orders").failedChecks()).containsExactly("usual_volume");
    List<String> outage = Files.readAllLines(tmp.resolve("data/clicks/clicks-0008.ndjson"));
    List<Long> withGeo = new ArrayList<>();
    for (int i = 0; i < outage.size(); i++) {
      if (outage.get(i).contains("\"geo\"")) {
        withGeo.add(i + 1L);
      }
    }
    assertThat(withGeo)
        .as("geo outage: only re-sent copies of earlier events have a country")
        .isSubsetOf(
            truths.get(4).source("clicks").defects().stream()
                .filter(d -> d.rule().equals("unique(event_id)"))
                .map(Defect::line)
                .toList());
    assertThat(truths.get(4).source("clicks").failedChecks()).containsExactly("country_known");

    assertThat(tmp.resolve("data/clicks/clicks-0009.ndjson")).doesNotExist();
    assertThat(truths.get(5).source("clicks").files()).isEmpty();
    assertThat(truths.get(5).source("clicks").failedChecks()).containsExactly("tracker_alive");
    Map<String, Long> countries = new TreeMap<>();
    for (String line : Files.readAllLines(tmp.resolve("data/orders/orders-0009.csv"))) {
      String[] fields = line.split(",");
      if (fields.length == 7 && fields[6].length() == 2) {
        countries.merge(fields[6], 1L, Long::sum);
      }
    }
    assertThat(countries).as("regional export").containsOnlyKeys("DE");

    Map<String, Long> submits = new TreeMap<>();
    List<String> lines = Files.readAllLines(tmp.resolve("data/orders/orders-0010.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.split(",");
      submits.merge(fields[1] + "|" + fields[2] + "|" + fields[4], 1L, Long::sum);
    }
    long valid = truths.get(6).source("orders").valid();
    assertThat(submits.values().stream().filter(n -> n > 1).count())
        .as("one double submit per 50 valid orders")
        .isEqualTo((valid - 1) / 50);
    assertThat(truths.get(6).source("orders").failedChecks()).containsExactly("no_double_submits");

    for (int batch : List.of(0, 1, 2, 3, 7)) {
      assertThat(truths.get(batch).sources().values())
          .as("batch " + batch)
          .allSatisfy(source -> assertThat(source.failedChecks()).isEmpty());
    }
    // A batch after incidents is the same whether or not the earlier ones were written here.
    assertThat(ShopGenerator.appendBatch(tmp.resolve("elsewhere"), options, 7))
        .isEqualTo(truths.get(7));
  }

  @Test
  void rejectsIncidentsTheirChecksCouldNotSee() {
    assertThatThrownBy(() -> SMALL.withIncident(0, DatasetIncident.GEO_OUTAGE))
        .hasMessageContaining("later batches (1 or more)");
    assertThatThrownBy(() -> SMALL.withIncident(3, DatasetIncident.TRUNCATED_EXPORT))
        .hasMessageContaining("TRUNCATED_EXPORT needs the 3 later batches before it");
    assertThatThrownBy(
            () ->
                SMALL
                    .withIncident(4, DatasetIncident.TRUNCATED_EXPORT)
                    .withIncident(6, DatasetIncident.TRUNCATED_EXPORT))
        .hasMessageContaining("batch 6: TRUNCATED_EXPORT");
    assertThatThrownBy(
            () ->
                SMALL
                    .withIncident(2, DatasetIncident.TRACKER_DOWN)
                    .withIncident(2, DatasetIncident.GEO_OUTAGE))
        .hasMessageContaining("GEO_OUTAGE needs clicks");
    assertThatThrownBy(() -> SMALL.withFiles(5).withIncident(1, DatasetIncident.TRACKER_DOWN))
        .hasMessageContaining("files must be at most 4, found 5");
  }

  @Test
  void allDefectiveStillGivesOneDefectPerRecord() {
    Truth truth = ShopGenerator.generate(tmp, SMALL.withOrders(40).withDefectRate(1));

    ShopRulesOracle oracle = new ShopRulesOracle();
    for (Truth.Source source : truth.sources().values()) {
      assertThat(source.valid()).isEqualTo(source.warned());
      List<Defect> found = new ArrayList<>();
      List<Defect> warned = new ArrayList<>();
      for (String file : source.files()) {
        ShopRulesOracle.Result result = oracle.check(tmp, file);
        found.addAll(result.defects());
        warned.addAll(result.warnings());
      }
      assertThat(found).isEqualTo(source.defects());
      assertThat(warned).isEqualTo(source.warnings());
    }
  }

  private static Map<String, byte[]> contents(Path root) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(file).toString(), Files.readAllBytes(file));
      }
    }
    return files;
  }
}
