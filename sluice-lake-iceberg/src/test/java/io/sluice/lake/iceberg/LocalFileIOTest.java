package io.sluice.lake.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalFileIO} keeps the semantics Iceberg relies on from Hadoop's local file system. */
class LocalFileIOTest {
  @TempDir Path folder;

  private final LocalFileIO io =
      new LocalFileIO(
          () -> {
            throw new AssertionError("a local location must not need Hadoop");
          });

  @Test
  void writesIntoNewFoldersAndCountsThePosition() throws IOException {
    Path file = folder.resolve("a/b/metadata.json");
    OutputFile output = io.newOutputFile(file.toString());

    try (PositionOutputStream out = output.create()) {
      out.write("hello".getBytes(StandardCharsets.UTF_8));
      out.write('!');
      assertThat(out.getPos()).isEqualTo(6);
    }

    assertThat(Files.readString(file)).isEqualTo("hello!");
    assertThat(output.toInputFile().getLength()).isEqualTo(6);
  }

  @Test
  void createFailsWhenTheFileExistsAndCreateOrOverwriteReplacesIt() throws IOException {
    Path file = folder.resolve("m.avro");
    Files.writeString(file, "old and longer");
    OutputFile output = io.newOutputFile(file.toUri().toString());

    assertThatThrownBy(output::create).isInstanceOf(AlreadyExistsException.class);
    try (PositionOutputStream out = output.createOrOverwrite()) {
      out.write("new".getBytes(StandardCharsets.UTF_8));
    }

    assertThat(Files.readString(file)).isEqualTo("new");
  }

  @Test
  void readsWithSeeks() throws IOException {
    Path file = folder.resolve("data.bin");
    Files.writeString(file, "0123456789");
    InputFile input = io.newInputFile("file:" + file);

    try (SeekableInputStream in = input.newStream()) {
      in.seek(7);
      assertThat(in.read()).isEqualTo('7');
      assertThat(in.getPos()).isEqualTo(8);
      byte[] rest = new byte[10];
      assertThat(in.read(rest, 0, 10)).isEqualTo(2);
      assertThat(in.read()).isEqualTo(-1);
      in.seek(2);
      assertThat(in.skip(100)).isEqualTo(8);
    }
    assertThat(input.exists()).isTrue();
    assertThat(input.getLength()).isEqualTo(10);
  }

  @Test
  void aMissingFileIsNotFoundAndDeletingItDoesNothing() {
    String missing = folder.resolve("missing.json").toString();

    assertThat(io.newInputFile(missing).exists()).isFalse();
    assertThatThrownBy(() -> io.newInputFile(missing).newStream())
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> io.newInputFile(missing).getLength())
        .isInstanceOf(NotFoundException.class);
    io.deleteFile(missing);
  }

  @Test
  void deletesAFileAndKeepsItsProperties() throws IOException {
    Path file = folder.resolve("x");
    Files.writeString(file, "x");
    io.initialize(Map.of("k", "v"));

    io.deleteFile(file.toString());

    assertThat(file).doesNotExist();
    assertThat(io.properties()).containsEntry("k", "v");
  }
}
