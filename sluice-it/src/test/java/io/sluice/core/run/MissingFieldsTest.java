package io.sluice.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.source.ObservedField;
import io.sluice.api.type.DataType;
import io.sluice.core.project.ColumnDef;
import io.sluice.core.project.Location;
import io.sluice.core.project.SourceDef;
import io.sluice.core.project.SourceDef.Granularity;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MissingFieldsTest {
  private static final Path PROJECT = Path.of("/p");
  private static final Path FILE = PROJECT.resolve("sources/s.yaml");

  private static SourceDef source(String connector, ColumnDef... columns) {
    return new SourceDef(
        "s",
        Location.of(FILE),
        "",
        connector,
        Map.of(),
        Optional.empty(),
        Granularity.DAY,
        List.of(),
        List.of(columns),
        List.of(),
        List.of(),
        SourceDef.LatePolicy.ACCEPT,
        List.of());
  }

  private static ColumnDef column(String name, String from, int line) {
    return new ColumnDef(
        name,
        DataType.STRING,
        Optional.of(from),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        "",
        List.of(),
        new Location(FILE, line, 5));
  }

  private static MissingFields.Observed csv(String file, String... names) {
    return new MissingFields.Observed(
        file, Arrays.stream(names).map(n -> new ObservedField(n, "text")).toList());
  }

  private static MissingFields.Observed json(String file, String... names) {
    return new MissingFields.Observed(
        file, Arrays.stream(names).map(n -> new ObservedField(n, "string")).toList());
  }

  @Test
  void appliesWithoutADeclaredPolicyToFileSourcesOnly() {
    assertThat(MissingFields.applies(source("files"))).isTrue();
    assertThat(MissingFields.applies(source("stream"))).isFalse();
    assertThat(MissingFields.applies(withPolicy(SourceDef.DriftPolicy.IGNORE))).isFalse();
    assertThat(MissingFields.applies(withPolicy(SourceDef.DriftPolicy.EVOLVE))).isFalse();
  }

  private static SourceDef withPolicy(SourceDef.DriftPolicy policy) {
    SourceDef s = source("files");
    return new SourceDef(
        s.name(),
        s.location(),
        s.description(),
        s.connector(),
        s.options(),
        s.eventTime(),
        s.granularity(),
        s.partitionColumns(),
        s.columns(),
        s.checks(),
        s.functions(),
        s.late(),
        s.datasetChecks(),
        policy);
  }

  @Test
  void eachCsvHeaderIsJudgedOnItsOwnWithADidYouMean() {
    SourceDef source = source("files", column("amount", "amout", 4));

    assertThat(
            MissingFields.problems(
                source,
                List.of(csv("data/a.csv", "id", "amount"), csv("data/b.csv", "amout")),
                PROJECT))
        .containsExactly(
            "column amount (sources/s.yaml:4:5) reads field 'amout', which the header of file"
                + " 'data/a.csv' does not have; did you mean 'amount'? its columns are: id,"
                + " amount");
  }

  @Test
  void jsonFieldsAreJudgedOverTheWholeBatchAndArrayPathsReachIntoArrays() {
    SourceDef source =
        source(
            "files",
            column("coupon", "coupon", 3),
            column("sku", "items.0.sku", 4),
            column("user", "user", 5));

    assertThat(
            MissingFields.problems(
                source,
                List.of(json("data/1.ndjson", "items", "user.id"), json("data/2.ndjson", "coupon")),
                PROJECT))
        .isEmpty();
    assertThat(
            MissingFields.problems(
                source, List.of(json("data/1.ndjson", "items", "usr.id")), PROJECT))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("column coupon (sources/s.yaml:3:5)"))
        .anySatisfy(p -> assertThat(p).contains("reads field 'user', which no record of file"));
  }

  @Test
  void aColumnWithADefaultOrAnEmptyInputIsNeverAProblem() {
    ColumnDef withDefault =
        new ColumnDef(
            "n",
            DataType.STRING,
            Optional.of("missing"),
            Optional.empty(),
            Optional.of("0"),
            Optional.empty(),
            "",
            List.of(),
            new Location(FILE, 3, 5));

    assertThat(
            MissingFields.problems(
                source("files", withDefault), List.of(csv("a.csv", "x")), PROJECT))
        .isEmpty();
    assertThat(
            MissingFields.problems(
                source("files", column("a", "a", 3)), List.of(json("empty.ndjson")), PROJECT))
        .isEmpty();
  }
}
