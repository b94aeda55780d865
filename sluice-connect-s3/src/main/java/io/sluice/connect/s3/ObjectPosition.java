package io.sluice.connect.s3;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The committed position of one object: its size and ETag, written {@code size:etag}. The ETag
 * changes whenever the object's content is written again (a new upload of the same key), so a
 * position that differs means the object changed since it was landed.
 */
record ObjectPosition(long size, String etag) {
  ObjectPosition {
    requireNonNull(etag, "etag is null");
  }

  /** An ETag as S3 sends it, without its quotes. */
  static String unquote(String etag) {
    if (etag == null) {
      return "";
    }
    return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
        ? etag.substring(1, etag.length() - 1)
        : etag;
  }

  String position() {
    return size + ":" + etag;
  }

  static Optional<ObjectPosition> parse(String position) {
    int colon = position.indexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new ObjectPosition(
              Long.parseLong(position.substring(0, colon)), position.substring(colon + 1)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  String describeChange(ObjectPosition now) {
    List<String> changes = new ArrayList<>();
    if (size != now.size) {
      changes.add("size " + size + " → " + now.size + " bytes");
    }
    if (!etag.equals(now.etag)) {
      changes.add("ETag " + etag + " → " + now.etag);
    }
    return String.join(", ", changes);
  }
}
