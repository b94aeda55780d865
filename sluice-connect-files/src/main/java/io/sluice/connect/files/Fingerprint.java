package io.sluice.connect.files;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A file's identity for change detection, stored as a split position: {@code
 * size:mtimeMillis:crc32c-hex}.
 */
record Fingerprint(long size, long modifiedMillis, int crc32c) {

  /** The position string. */
  String position() {
    return size + ":" + modifiedMillis + ":" + String.format("%08x", crc32c);
  }

  /** Parses a position written by {@link #position()}; empty if it is not one. */
  static Optional<Fingerprint> parse(String position) {
    String[] parts = position.split(":", -1);
    if (parts.length != 3 || parts[2].isEmpty() || parts[2].length() > 8) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Fingerprint(
              Long.parseLong(parts[0]),
              Long.parseLong(parts[1]),
              Integer.parseUnsignedInt(parts[2], 16)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Whether size and modification time say the file is the one fingerprinted, unread. */
  boolean sameSizeAndTime(long otherSize, long otherModifiedMillis) {
    return size == otherSize && modifiedMillis == otherModifiedMillis;
  }

  /** How {@code now} differs from this fingerprint, for a person: size, time and/or content. */
  String describeChange(Fingerprint now) {
    List<String> changes = new ArrayList<>();
    if (size != now.size) {
      changes.add("size " + size + " → " + now.size + " bytes");
    }
    if (modifiedMillis != now.modifiedMillis) {
      changes.add(
          "modified "
              + Instant.ofEpochMilli(modifiedMillis)
              + " → "
              + Instant.ofEpochMilli(now.modifiedMillis));
    }
    if (crc32c != now.crc32c) {
      changes.add(
          String.format(
              "content (CRC32C %08x → %08x%s)",
              crc32c, now.crc32c, size == now.size ? ", same size" : ""));
    }
    return String.join(", ", changes);
  }
}
