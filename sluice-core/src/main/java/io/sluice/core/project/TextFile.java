package io.sluice.core.project;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a project file as UTF-8, strictly: the first byte that is not UTF-8 is reported with its
 * line and column, rather than replaced or failing with the decoder's line-less exception. A UTF-8
 * byte-order mark is skipped.
 */
final class TextFile {
  /** Larger project files are refused: no YAML or SQL file of a project comes near this. */
  static final int MAX_BYTES = 8 << 20;

  private TextFile() {}

  /**
   * The text of {@code file}.
   *
   * @return empty after reporting a file that cannot be read or is not UTF-8
   */
  static Optional<String> read(Path file, Problems problems) {
    problems.reading(file);
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        problems.add(
            Location.of(file),
            "the file is larger than " + (MAX_BYTES >> 20) + " MiB; a project file is text");
        return Optional.empty();
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      problems.add(Location.of(file), "cannot read the file: " + e);
      return Optional.empty();
    }
    int start =
        bytes.length >= 3
                && (bytes[0] & 0xff) == 0xef
                && (bytes[1] & 0xff) == 0xbb
                && (bytes[2] & 0xff) == 0xbf
            ? 3
            : 0;
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isUnderflow()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      problems.add(
          badByte(file, bytes, start, in.position()),
          String.format(
              "the file is not UTF-8: byte 0x%02x at offset %d; save it as UTF-8",
              bytes[in.position()] & 0xff, in.position()));
      return Optional.empty();
    }
    if (!result.isUnderflow()) {
      // cannot happen: the output buffer has room for every byte as one char
      throw new IllegalStateException(new CharacterCodingException());
    }
    return Optional.of(out.flip().toString());
  }

  /** Line and column (in characters) of the byte at {@code offset}. */
  private static Location badByte(Path file, byte[] bytes, int start, int offset) {
    int line = 1;
    int lineStart = start;
    for (int i = start; i < offset; i++) {
      if (bytes[i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    String before = new String(bytes, lineStart, offset - lineStart, StandardCharsets.UTF_8);
    return new Location(file, line, before.codePointCount(0, before.length()) + 1);
  }
}
