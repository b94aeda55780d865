package io.sluice.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.type.DataType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dialect's SQL run on a real local Spark session (one for the class). */
class SparkDialectTest {
  private static SparkSession spark;
  private final SparkDialect dialect = new SparkDialect();

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("sluice-dialect-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.datetime.java8API.enabled", "true")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private Object eval(String expression) {
    return spark.sql("SELECT " + expression + " AS v").collectAsList().get(0).get(0);
  }

  private Object cast(String text, DataType type) {
    return eval(dialect.tryCast(dialect.literal(text), type, Optional.empty()));
  }

  private Object cast(String text, DataType type, String format) {
    return eval(dialect.tryCast(dialect.literal(text), type, Optional.of(format)));
  }

  @Test
  void integersAreWholeNumbersOnly() {
    assertThat(cast(" 42 ", DataType.INT)).isEqualTo(42);
    assertThat(cast("+7", DataType.BIGINT)).isEqualTo(7L);
    assertThat(cast("-3", DataType.INT)).isEqualTo(-3);
    assertThat(cast("1.5", DataType.INT)).isNull();
    assertThat(cast("1e3", DataType.INT)).isNull();
    assertThat(cast("x", DataType.BIGINT)).isNull();
    assertThat(cast("99999999999", DataType.INT)).isNull();
  }

  @Test
  void unparsableValuesYieldNullInsteadOfFailing() {
    assertThat(cast("abc", DataType.DOUBLE)).isNull();
    assertThat(cast("maybe", DataType.BOOLEAN)).isNull();
    assertThat(cast("12x", DataType.decimal(10, 2))).isNull();
    assertThat(cast("2024-13-45", DataType.DATE)).isNull();
    // Spark alone reads these special words as dates and timestamps.
    assertThat(cast("yesterday", DataType.TIMESTAMP)).isNull();
    assertThat(cast("now", DataType.TIMESTAMP)).isNull();
    assertThat(cast("today", DataType.DATE)).isNull();
  }

  @Test
  void decimalsRoundToTheirScale() {
    assertThat(cast("12.345", DataType.decimal(10, 2))).isEqualTo(new BigDecimal("12.35"));
    assertThat(cast("123456789012", DataType.decimal(10, 2))).isNull();
  }

  @Test
  void timestampsHonourOffsetsAndTakeNaiveValuesAsUtc() {
    assertThat(cast("2024-01-05T10:00:00+02:00", DataType.TIMESTAMP))
        .isEqualTo(LocalDateTime.of(2024, 1, 5, 8, 0));
    assertThat(cast("2024-01-05T10:00:00Z", DataType.TIMESTAMP))
        .isEqualTo(LocalDateTime.of(2024, 1, 5, 10, 0));
    assertThat(cast("2024-01-05 10:00:00", DataType.TIMESTAMP))
        .isEqualTo(LocalDateTime.of(2024, 1, 5, 10, 0));
  }

  @Test
  void datesWithoutFormatRejectATimeOfDay() {
    assertThat(cast("2024-01-05", DataType.DATE)).isEqualTo(LocalDate.of(2024, 1, 5));
    assertThat(cast("2024-01-05 10:00", DataType.DATE)).isNull();
  }

  @Test
  void strptimeFormatsAreTranslated() {
    assertThat(cast("05/01/2024", DataType.DATE, "%d/%m/%Y")).isEqualTo(LocalDate.of(2024, 1, 5));
    assertThat(cast("2024-01-05T07:08:09", DataType.TIMESTAMP, "%Y-%m-%dT%H:%M:%S"))
        .isEqualTo(LocalDateTime.of(2024, 1, 5, 7, 8, 9));
    assertThat(cast("not a date", DataType.DATE, "%d/%m/%Y")).isNull();
    assertThat(SparkDialect.javaPattern("%Y-%m-%d at %H:%M")).isEqualTo("yyyy-MM-dd' at 'HH:mm");
    assertThat(SparkDialect.javaPattern("100%% %Y")).isEqualTo("100% yyyy");
  }

  @Test
  void unsupportedStrptimeDirectiveIsAUserError() {
    assertThatThrownBy(() -> SparkDialect.javaPattern("%Y %U"))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("%U")
        .satisfies(e -> assertThat(((SluiceException) e).category()).isEqualTo(ErrorCategory.USER));
  }

  @Test
  void regexMatchesTheWholeValueLikeDuckDb() {
    assertThat(eval(dialect.regexMatches("'abc'", "a.c"))).isEqualTo(true);
    assertThat(eval(dialect.regexMatches("'xabcx'", "a.c"))).isEqualTo(false);
    assertThat(eval(dialect.regexMatches("'ab'", "a|b"))).isEqualTo(false);
    assertThat(eval(dialect.regexMatches("'abc\n'", "abc"))).isEqualTo(false);
    assertThat(eval(dialect.regexMatches("'a1'", "[a-z]\\d"))).isEqualTo(true);
  }

  @Test
  void literalsAndIdentifiersRoundTrip() {
    String text = "it's a \\ backslash and a `tick`";
    assertThat(eval(dialect.literal(text))).isEqualTo(text);
    String name = "we`ird name";
    assertThat(spark.sql("SELECT 1 AS " + dialect.quote(name)).schema().fieldNames()[0])
        .isEqualTo(name);
  }

  @Test
  void typeNamesAreTheOnesSparkReports() {
    assertThat(
            spark
                .sql(
                    "SELECT CAST(NULL AS "
                        + dialect.typeName(DataType.TIMESTAMP)
                        + ") AS t, CAST(NULL AS "
                        + dialect.typeName(DataType.decimal(12, 3))
                        + ") AS d")
                .schema()
                .simpleString())
        .isEqualTo("struct<t:timestamp_ntz,d:decimal(12,3)>");
  }

  @Test
  void lengthCountsCharacters() {
    assertThat(eval(dialect.length(dialect.literal("héllo")))).isEqualTo(5);
  }
}
