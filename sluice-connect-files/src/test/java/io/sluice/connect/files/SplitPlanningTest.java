package io.sluice.connect.files;

import static io.sluice.connect.files.Sources.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.StepTiming;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import io.sluice.core.testing.CollectingSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitPlanningTest {
  @TempDir Path project;

  private SourceConnector source(String path) {
    return Sources.connector(project, Map.of("path", path, "format", "csv"), "a");
  }

  private SourceConnector source(String path, String onChange) {
    return Sources.connector(
        project, Map.of("path", path, "format", "csv", "on-change", onChange), "a");
  }

  private static List<String> keys(SplitPlan plan) {
    return plan.splits().stream().map(Split::key).toList();
  }

  /** The positions of a plan, as a later run would get them back as committed. */
  private static Map<String, String> committed(SplitPlan plan) {
    Map<String, String> committed = new HashMap<>();
    for (Split split : plan.splits()) {
      committed.put(split.key(), split.position());
    }
    return committed;
  }

  @Test
  void plansMatchingFilesSortedByRelativePath() {
    write(project, "data/orders/b.csv", "a\n2\n");
    write(project, "data/orders/a.csv", "a\n1\n");
    write(project, "data/orders/c.json", "{}\n");
    write(project, "data/orders/sub/d.csv", "a\n3\n");

    SplitPlan plan = source("data/orders/*.csv").plan(Map.of());

    assertThat(keys(plan)).containsExactly("data/orders/a.csv", "data/orders/b.csv");
    assertThat(plan.skipped()).isEmpty();
  }

  @Test
  void splitHasRelativeKeyAbsoluteLocationSizeAndFingerprintPosition() throws IOException {
    byte[] content = "a\n1\n".getBytes(StandardCharsets.UTF_8);
    Path file = write(project, "data/a.csv", content);
    Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_123L));
    CRC32C crc = new CRC32C();
    crc.update(content);

    Split split = source("data/a.csv").plan(Map.of()).splits().get(0);

    assertThat(split.key()).isEqualTo("data/a.csv");
    assertThat(split.location()).isEqualTo(file.toAbsolutePath().toString());
    assertThat(split.sizeBytes()).isEqualTo(4);
    assertThat(split.position()).isEqualTo(String.format("4:1700000000123:%08x", crc.getValue()));
  }

  @Test
  void fileOutsideTheProjectHasAnAbsoluteKey(@TempDir Path elsewhere) {
    Path file = write(elsewhere, "x/e.csv", "a\n1\n");

    SplitPlan plan = source(elsewhere.resolve("x").toString() + "/*.csv").plan(Map.of());

    assertThat(keys(plan)).containsExactly(file.toAbsolutePath().toString());
  }

  @Test
  void directoryPathPlansTheFilesDirectlyInIt() {
    write(project, "in/1.csv", "a\n");
    write(project, "in/2.csv", "a\n");
    write(project, "in/deeper/3.csv", "a\n");

    assertThat(keys(source("in").plan(Map.of()))).containsExactly("in/1.csv", "in/2.csv");
  }

  @Test
  void doubleStarMatchesAnyDepthIncludingNone() {
    write(project, "data/clicks/top.ndjson", "{}\n");
    write(project, "data/clicks/2024/01/day.ndjson", "{}\n");
    write(project, "data/clicks/2024/other.csv", "a\n");

    SplitPlan plan =
        Sources.connector(project, Map.of("path", "data/clicks/**/*.ndjson"), "a").plan(Map.of());

    assertThat(keys(plan))
        .containsExactly("data/clicks/2024/01/day.ndjson", "data/clicks/top.ndjson");
  }

  @Test
  void globAlternativesAndCharacterClasses() {
    write(project, "d/a1.csv", "a\n");
    write(project, "d/b2.csv", "a\n");
    write(project, "d/c3.csv", "a\n");
    write(project, "d/a1.tsv", "a\n");

    assertThat(keys(source("d/[ab]?.{csv,tsv}").plan(Map.of())))
        .containsExactly("d/a1.csv", "d/a1.tsv", "d/b2.csv");
  }

  @Test
  void ignoresHiddenChecksumAndTemporaryFiles() {
    write(project, "d/ok.csv", "a\n");
    write(project, "d/.hidden.csv", "a\n");
    write(project, "d/.ok.csv.crc", "x");
    write(project, "d/part.csv.crc", "x");
    write(project, "d/upload.csv.tmp", "a\n");
    write(project, "d/.staging/inside.csv", "a\n");

    assertThat(keys(source("d").plan(Map.of()))).containsExactly("d/ok.csv");
    assertThat(keys(source("d/**").plan(Map.of()))).containsExactly("d/ok.csv");
  }

  @Test
  void explicitlyNamedFileIsPlannedEvenIfItLooksHidden() {
    write(project, "d/.orders.csv", "a\n");

    assertThat(keys(source("d/.orders.csv").plan(Map.of()))).containsExactly("d/.orders.csv");
  }

  @Test
  void noMatchingFileIsAnEmptyPlan() {
    write(project, "d/readme.txt", "x");

    SplitPlan plan = source("d/*.csv").plan(Map.of());

    assertThat(plan.splits()).isEmpty();
    assertThat(plan.skipped()).isEmpty();
  }

  @Test
  void missingFileInAnExistingFolderIsAnEmptyPlan() throws IOException {
    Files.createDirectories(project.resolve("d"));

    assertThat(source("d/later.csv").plan(Map.of()).splits()).isEmpty();
  }

  @Test
  void missingBaseFolderOfAGlobIsAUserErrorNamingThePath() {
    assertThatThrownBy(() -> source("nowhere/orders/*.csv").plan(Map.of()))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("Source 'orders'")
        .hasMessageContaining("nowhere/orders")
        .hasMessageContaining("'nowhere/orders/*.csv'")
        .hasMessageContaining("does not exist");
  }

  @Test
  void missingLiteralPathAndFolderIsAUserError() {
    assertThatThrownBy(() -> source("nowhere/x.csv").plan(Map.of()))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("path 'nowhere/x.csv' does not exist");
  }

  @Test
  void landedUnchangedFileIsNotPlannedAgainButNewFilesAre() {
    write(project, "d/1.csv", "a\n1\n");
    SourceConnector source = source("d/*.csv");
    SplitPlan first = source.plan(Map.of());
    write(project, "d/2.csv", "a\n2\n");

    SplitPlan second = source.plan(committed(first));

    assertThat(keys(second)).containsExactly("d/2.csv");
    assertThat(second.skipped()).isEmpty();
  }

  @Test
  void sameSizeAndModifiedTimeAreTrustedWithoutReadingTheFile() throws IOException {
    Path file = write(project, "d/1.csv", "a\n1\n");
    long mtime = Files.getLastModifiedTime(file).toMillis();
    // A CRC that cannot be the file's: if the planner read the file, it would see a change.
    Map<String, String> committed = Map.of("d/1.csv", "4:" + mtime + ":00000000");

    SplitPlan plan = source("d/*.csv").plan(committed);

    assertThat(plan.splits()).isEmpty();
    assertThat(plan.skipped()).isEmpty();
  }

  @Test
  void touchedFileWithTheSameContentIsUnchanged() throws IOException {
    Path file = write(project, "d/1.csv", "a\n1\n");
    SourceConnector source = source("d/*.csv");
    Map<String, String> committed = committed(source.plan(Map.of()));
    Files.setLastModifiedTime(
        file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 60_000));

    SplitPlan plan = source.plan(committed);

    assertThat(plan.splits()).isEmpty();
    assertThat(plan.skipped()).isEmpty();
  }

  @Test
  void changedFileFailsByDefaultNamingTheFileAndHowItChanged() throws IOException {
    Path file = write(project, "d/1.csv", "a\n1\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L));
    SourceConnector source = source("d/*.csv");
    Map<String, String> committed = committed(source.plan(Map.of()));
    write(project, "d/1.csv", "a\n1\n2\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_060_000L));

    assertThatThrownBy(() -> source.plan(committed))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("Source 'orders'")
        .hasMessageContaining("'d/1.csv'")
        .hasMessageContaining("size 4 → 6 bytes")
        .hasMessageContaining("modified 2023-11-14T22:13:20Z → 2023-11-14T22:14:20Z")
        .hasMessageContaining("content (CRC32C")
        .hasMessageContaining("'on-change' to 'skip'")
        .hasMessageContaining("'append'");
  }

  @Test
  void sameSizeContentChangeIsDetectedByChecksum() throws IOException {
    Path file = write(project, "d/1.csv", "a\n1\n");
    SourceConnector source = source("d/*.csv");
    Map<String, String> committed = committed(source.plan(Map.of()));
    long mtime = Files.getLastModifiedTime(file).toMillis();
    write(project, "d/1.csv", "a\n9\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(mtime + 1000));

    assertThatThrownBy(() -> source.plan(committed)).hasMessageContaining("same size");
  }

  @Test
  void allChangedFilesAreReportedTogether() {
    write(project, "d/1.csv", "a\n1\n");
    write(project, "d/2.csv", "a\n2\n");
    SourceConnector source = source("d/*.csv");
    Map<String, String> committed = committed(source.plan(Map.of()));
    write(project, "d/1.csv", "a\n11\n");
    write(project, "d/2.csv", "a\n22\n");

    assertThatThrownBy(() -> source.plan(committed))
        .hasMessageContaining("2 files that were already landed have changed")
        .hasMessageContaining("'d/1.csv'")
        .hasMessageContaining("'d/2.csv'");
  }

  @Test
  void changedFileIsLeftOutWithANoteUnderSkip() {
    write(project, "d/1.csv", "a\n1\n");
    SourceConnector source = source("d/*.csv", "skip");
    Map<String, String> committed = committed(source.plan(Map.of()));
    write(project, "d/1.csv", "a\n1\n2\n");
    write(project, "d/2.csv", "a\n3\n");

    SplitPlan plan = source.plan(committed);

    assertThat(keys(plan)).containsExactly("d/2.csv");
    assertThat(plan.skipped())
        .singleElement()
        .asString()
        .contains("'d/1.csv'")
        .contains("size 4 → 6 bytes")
        .contains("on-change is 'skip'");
  }

  @Test
  void changedFileIsPlannedAgainWithItsNewFingerprintUnderAppend() {
    write(project, "d/1.csv", "a\n1\n");
    SourceConnector source = source("d/*.csv", "append");
    SplitPlan first = source.plan(Map.of());
    write(project, "d/1.csv", "a\n1\n2\n");

    SplitPlan second = source.plan(committed(first));

    assertThat(second.splits())
        .extracting(Split::key, Split::sizeBytes)
        .containsExactly(tuple("d/1.csv", 6L));
    assertThat(second.splits().get(0).position())
        .isNotEqualTo(first.splits().get(0).position())
        .startsWith("6:");
    CollectingSink sink = new CollectingSink();
    source.read(second.splits().get(0), sink);
    assertThat(sink.values()).containsExactly(List.of("1"), List.of("2"));
  }

  @Test
  void committedFileThatDisappearedIsNotAnError() {
    write(project, "d/1.csv", "a\n1\n");

    SplitPlan plan = source("d/*.csv").plan(Map.of("d/gone.csv", "4:1:0badc0de"));

    assertThat(keys(plan)).containsExactly("d/1.csv");
    assertThat(plan.skipped()).isEmpty();
  }

  @Test
  void unreadableCommittedPositionIsAnInternalError() {
    write(project, "d/1.csv", "a\n1\n");

    assertThatThrownBy(() -> source("d/*.csv").plan(Map.of("d/1.csv", "offset=12")))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.INTERNAL))
        .hasMessageContaining("'offset=12'")
        .hasMessageContaining("'d/1.csv'");
  }

  @Test
  void fingerprintRoundTripsThroughItsPosition() {
    Fingerprint fingerprint = new Fingerprint(123, 1_700_000_000_000L, 0xCAFE0001);

    assertThat(fingerprint.position()).isEqualTo("123:1700000000000:cafe0001");
    assertThat(Fingerprint.parse(fingerprint.position())).contains(fingerprint);
    assertThat(Fingerprint.parse("1:2")).isEmpty();
    assertThat(Fingerprint.parse("1:2:xyz")).isEmpty();
  }

  @Test
  void planReadsNewNdjsonFilesOnceForTheirFieldsAndTheEnginesCheck() throws IOException {
    write(project, "data/a.ndjson", "{\"a\":1,\"b\":{\"c\":\"x\"}}\n{\"a\":5000000000}\n");
    write(project, "data/b.ndjson", "[{\"a\":1}]\n");
    SourceConnector connector =
        Sources.connector(project, Map.of("path", "data/*.ndjson", "format", "json"), "a");

    SplitPlan plan = connector.plan(Map.of());
    // Gone after planning: what the run asks next of these splits was learnt while planning.
    for (Split split : plan.splits()) {
      Files.delete(Path.of(split.location()));
    }

    assertThat(plan.splits()).hasSize(2);
    Split ndjson = plan.splits().get(0);
    assertThat(connector.observe(ndjson).orElseThrow())
        .extracting(ObservedField::path, ObservedField::type)
        .containsExactly(tuple("a", "bigint"), tuple("b.c", "string"));
    assertThat(connector.nativeFormat(ndjson).orElseThrow().format()).isEqualTo("ndjson");
    Split array = plan.splits().get(1);
    assertThat(connector.observe(array).orElseThrow())
        .extracting(ObservedField::path, ObservedField::type)
        .containsExactly(tuple("a", "integer"));
    assertThat(connector.nativeFormat(array)).isEmpty();
  }

  @Test
  void observingAnUnplannedSplitReadsItOnceForTheEnginesCheckToo() throws IOException {
    write(project, "data/a.ndjson", "{\"a\":\"x\"}\n");
    Map<String, Object> options = Map.of("path", "data/*.ndjson", "format", "json");
    Split split = Sources.connector(project, options, "a").plan(Map.of()).splits().get(0);
    // Another connector, as when a run recovers an interrupted batch: it did not plan the split.
    SourceConnector recovering = Sources.connector(project, options, "a");

    assertThat(recovering.observe(split).orElseThrow())
        .extracting(ObservedField::path, ObservedField::type)
        .containsExactly(tuple("a", "string"));
    Files.delete(Path.of(split.location()));
    assertThat(recovering.nativeFormat(split).orElseThrow().format()).isEqualTo("ndjson");
  }

  @Test
  void planMeasuresListingAndReading() {
    write(project, "data/a.csv", "a\n1\n");
    write(project, "data/b.csv", "a\n22\n");
    SplitPlan first = source("data/*.csv").plan(Map.of());
    write(project, "data/c.csv", "a\n333\n");

    SplitPlan plan = source("data/*.csv").plan(committed(first));

    assertThat(plan.steps())
        .extracting(StepTiming::name, StepTiming::rows, StepTiming::bytesIn)
        .containsExactly(
            tuple(SplitPlanner.LIST_STEP, 3L, -1L), tuple(SplitPlanner.READ_STEP, 1L, 6L));
  }
}
