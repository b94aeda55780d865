package io.sluice.connect.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.connect.files.FilesOptions.OptionDoc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilesOptionsTest {
  private static final Path PROJECT = Path.of("/projects/shop");

  private static FilesOptions parse(Map<String, Object> options) {
    return FilesOptions.parse(Sources.context(PROJECT, options));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertUserError(
      Map<String, Object> options) {
    return assertThatThrownBy(() -> parse(options))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageStartingWith("Source 'orders': ");
  }

  @Test
  void appliesEveryDefault() {
    FilesOptions options = parse(Map.of("path", "data/orders/*.csv"));

    assertThat(options.path()).isEqualTo("data/orders/*.csv");
    assertThat(options.format()).isEqualTo(FileFormat.CSV);
    assertThat(options.onChange()).isEqualTo(OnChange.FAIL);
    assertThat(options.csv())
        .isEqualTo(new CsvOptions(true, ',', '"', '"', StandardCharsets.UTF_8, "", 0));
    assertThat(options.json()).isEqualTo(new JsonOptions(StandardCharsets.UTF_8));
  }

  @Test
  void mapsEveryCsvOption() {
    FilesOptions options =
        parse(
            Map.of(
                "path", "in",
                "format", "csv",
                "on-change", "append",
                "csv",
                    Map.of(
                        "header", false,
                        "delimiter", ";",
                        "quote", "'",
                        "escape", "\\",
                        "encoding", "ISO-8859-1",
                        "null-value", "NULL",
                        "skip-lines", 3)));

    assertThat(options.format()).isEqualTo(FileFormat.CSV);
    assertThat(options.onChange()).isEqualTo(OnChange.APPEND);
    assertThat(options.csv())
        .isEqualTo(new CsvOptions(false, ';', '\'', '\\', StandardCharsets.ISO_8859_1, "NULL", 3));
  }

  @Test
  void mapsEveryJsonOption() {
    FilesOptions options =
        parse(
            Map.of(
                "path", "in/*.log",
                "format", "json",
                "on-change", "skip",
                "json", Map.of("encoding", "windows-1252")));

    assertThat(options.format()).isEqualTo(FileFormat.JSON);
    assertThat(options.onChange()).isEqualTo(OnChange.SKIP);
    assertThat(options.json().encoding().name()).isEqualTo("windows-1252");
  }

  @Test
  void escapeDefaultsToTheQuote() {
    assertThat(parse(Map.of("path", "a.csv", "csv", Map.of("quote", "'"))).csv().escape())
        .isEqualTo('\'');
  }

  @ParameterizedTest
  @CsvSource({
    "data/a.csv, CSV",
    "data/a.tsv, CSV",
    "data/*.CSV, CSV",
    "data/a.json, JSON",
    "data/**/*.ndjson, JSON",
    "a.jsonl, JSON",
    "lake/part-*.parquet, PARQUET"
  })
  void infersTheFormatFromTheExtension(String path, FileFormat format) {
    assertThat(parse(Map.of("path", path)).format()).isEqualTo(format);
  }

  @Test
  void explicitFormatWinsOverTheExtension() {
    assertThat(parse(Map.of("path", "x.csv", "format", "json")).format())
        .isEqualTo(FileFormat.JSON);
  }

  @Test
  void missingFormatWithoutKnownExtensionIsAUserError() {
    assertUserError(Map.of("path", "data/in/*"))
        .hasMessageContaining("cannot tell the format of 'data/in/*'")
        .hasMessageContaining("set option 'format'");
  }

  @Test
  void tsvPathDefaultsToTabDelimiter() {
    assertThat(parse(Map.of("path", "t/*.tsv")).csv().delimiter()).isEqualTo('\t');
    assertThat(parse(Map.of("path", "t/*.tsv", "csv", Map.of("header", false))).csv().delimiter())
        .isEqualTo('\t');
    assertThat(parse(Map.of("path", "t/*.tsv", "csv", Map.of("delimiter", "|"))).csv().delimiter())
        .isEqualTo('|');
  }

  @Test
  void backslashTMeansTab() {
    assertThat(parse(Map.of("path", "a.csv", "csv", Map.of("delimiter", "\\t"))).csv().delimiter())
        .isEqualTo('\t');
    assertThat(parse(Map.of("path", "a.csv", "csv", Map.of("delimiter", "\t"))).csv().delimiter())
        .isEqualTo('\t');
  }

  @Test
  void pathIsRequiredAndMustBeText() {
    assertUserError(Map.of("format", "csv")).hasMessageContaining("option 'path' is required");
    assertUserError(Map.of("path", 2024))
        .hasMessageContaining("option 'path' must be text, found number 2024");
    assertUserError(Map.of("path", " ")).hasMessageContaining("option 'path' must not be empty");
  }

  @Test
  void unknownOptionIsRejectedWithSuggestion() {
    assertUserError(Map.of("path", "a.csv", "on_change", "skip"))
        .hasMessageContaining("unknown option 'on_change' (did you mean 'on-change'?)");
    assertUserError(Map.of("path", "a.csv", "csv", Map.of("delimeter", ";")))
        .hasMessageContaining("unknown option 'csv.delimeter' (did you mean 'delimiter'?)")
        .hasMessageContaining("known options in 'csv'");
  }

  @Test
  void wrongValuesNameTheSourceAndTheOption() {
    assertUserError(Map.of("path", "a.csv", "format", "cvs"))
        .hasMessageContaining("option 'format' must be csv, json or parquet, found 'cvs'")
        .hasMessageContaining("did you mean 'csv'?");
    assertUserError(Map.of("path", "a.csv", "on-change", "ignore"))
        .hasMessageContaining("option 'on-change' must be fail, skip or append, found 'ignore'");
    assertUserError(Map.of("path", "a.csv", "csv", "header"))
        .hasMessageContaining("option 'csv' must be a map of options");
    assertUserError(Map.of("path", "a.csv", "csv", Map.of("header", "yes")))
        .hasMessageContaining("option 'csv.header' must be true or false, found text 'yes'");
    assertUserError(Map.of("path", "a.csv", "csv", Map.of("delimiter", ";;")))
        .hasMessageContaining("option 'csv.delimiter' must be a single character, found ';;'");
    assertUserError(Map.of("path", "a.csv", "csv", Map.of("quote", "\n")))
        .hasMessageContaining("option 'csv.quote' cannot be '\\n'");
    assertUserError(Map.of("path", "a.csv", "csv", Map.of("delimiter", "\"")))
        .hasMessageContaining("option 'csv.quote' must differ from the delimiter");
    assertUserError(Map.of("path", "a.csv", "csv", Map.of("escape", ",")))
        .hasMessageContaining("option 'csv.escape' must differ from the delimiter");
    assertUserError(Map.of("path", "a.csv", "csv", Map.of("encoding", "UTF-9")))
        .hasMessageContaining("option 'csv.encoding' 'UTF-9' is not a character set");
    assertUserError(Map.of("path", "a.csv", "csv", Map.of("null-value", 0)))
        .hasMessageContaining("option 'csv.null-value' must be text, found number 0");
    assertUserError(Map.of("path", "a.csv", "csv", Map.of("skip-lines", -1)))
        .hasMessageContaining("option 'csv.skip-lines' must be 0 or more, found -1");
    assertUserError(Map.of("path", "a.csv", "csv", Map.of("skip-lines", 1.5)))
        .hasMessageContaining("option 'csv.skip-lines' must be a whole number, found number 1.5");
  }

  @Test
  void formatSpecificOptionsMustMatchTheFormat() {
    assertUserError(Map.of("path", "a.ndjson", "csv", Map.of("header", true)))
        .hasMessageContaining("option 'csv' only applies to format csv, but the format is json");
    assertUserError(Map.of("path", "a.csv", "json", Map.of("encoding", "UTF-8")))
        .hasMessageContaining("option 'json' only applies to format json, but the format is csv");
  }

  @Test
  void jsonEncodingMustBeAsciiCompatible() {
    assertUserError(Map.of("path", "a.json", "json", Map.of("encoding", "UTF-16")))
        .hasMessageContaining("option 'json.encoding' 'UTF-16' is not supported for JSON");
  }

  @Test
  void referenceDocumentsEveryOptionOnce() {
    Set<String> documented =
        FilesOptions.REFERENCE.stream().map(OptionDoc::key).collect(Collectors.toSet());

    assertThat(FilesOptions.REFERENCE).hasSize(documented.size());
    assertThat(documented)
        .containsExactlyInAnyOrder(
            "path",
            "format",
            "on-change",
            "csv.header",
            "csv.delimiter",
            "csv.quote",
            "csv.escape",
            "csv.encoding",
            "csv.null-value",
            "csv.skip-lines",
            "json.encoding");
    for (OptionDoc doc : FilesOptions.REFERENCE) {
      // Every documented key is read by the parser: a wrongly typed value names that very key.
      assertUserError(withWrongType(doc.key()))
          .hasMessageContaining("option '" + doc.key() + "' must");
    }
  }

  private static Map<String, Object> withWrongType(String key) {
    List<String> parts = List.of(key.split("\\."));
    Object wrong = List.of("wrong");
    if (parts.size() == 1) {
      return key.equals("path") ? Map.of("path", wrong) : Map.of("path", "a.csv", key, wrong);
    }
    String path = parts.get(0).equals("json") ? "a.json" : "a.csv";
    return Map.of("path", path, parts.get(0), Map.of(parts.get(1), wrong));
  }
}
