package io.sluice.connect.files;

import io.sluice.api.source.ConnectorFactory;
import io.sluice.core.testing.ConnectorContractTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The fixture of the {@code files} connector in the connector contract: each call adds one new file
 * under {@code data/}, named so that files sort in the order they were added; {@link #format}
 * writes the lines of one format.
 */
abstract class FilesConnectorContractFixture extends ConnectorContractTest {
  private int files;

  /** How one format writes records. */
  interface Format {
    /** The file extension, without the dot. */
    String extension();

    /** The first lines of a file whose records have {@code fields} (a header), if any. */
    List<String> header(List<String> fields);

    /** One record's line: the values of {@code fields}, in order. */
    String line(List<String> fields, List<String> values);

    /** A line that is not a record of this format. */
    String malformedLine();
  }

  abstract Format format();

  @Override
  protected ConnectorFactory factory() {
    return new FilesConnectorFactory();
  }

  @Override
  protected String optionsYaml() {
    return "path: data/*." + format().extension() + "\n";
  }

  @Override
  protected void addRecords(int firstId, int count) {
    write(
        List.of("id", "name"), count, i -> List.of(String.valueOf(firstId + i), name(firstId + i)));
  }

  @Override
  protected Malformed addMalformed(int firstId) {
    List<String> fields = List.of("id", "name");
    List<String> lines = new ArrayList<>(format().header(fields));
    lines.add(format().line(fields, List.of(String.valueOf(firstId), name(firstId))));
    long position = lines.size() + 1;
    lines.add(format().malformedLine());
    lines.add(format().line(fields, List.of(String.valueOf(firstId + 1), name(firstId + 1))));
    String key = writeLines(lines);
    return new Malformed(key, position, format().malformedLine());
  }

  @Override
  protected void addRecordsWithExtraField(int firstId, int count) {
    write(
        List.of("id", "name", EXTRA_FIELD),
        count,
        i -> List.of(String.valueOf(firstId + i), name(firstId + i), "x-" + (firstId + i)));
  }

  @Override
  protected void addRecordsWithoutName(int firstId, int count) {
    write(List.of("id"), count, i -> List.of(String.valueOf(firstId + i)));
  }

  private void write(List<String> fields, int count, IntFunction<List<String>> values) {
    List<String> lines = new ArrayList<>(format().header(fields));
    for (int i = 0; i < count; i++) {
      lines.add(format().line(fields, values.apply(i)));
    }
    writeLines(lines);
  }

  /** Writes a new file; returns its split key. */
  private String writeLines(List<String> lines) {
    String key = String.format("data/part-%03d.%s", files++, format().extension());
    try {
      Path file = project.resolve(key);
      Files.createDirectories(file.getParent());
      Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return key;
  }
}
