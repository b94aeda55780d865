package io.sluice.connect.files;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The widest kind of value seen for each path of JSON records, in the order paths were first seen:
 * what schema drift detection compares with the declared columns. A path's {@link Slot} is handed
 * out once and kept, so a scanner that meets the same path on every line updates it without hashing
 * the path again.
 */
final class FieldKinds {
  static final String OBJECT = "object";
  static final String MIXED = "mixed";
  static final String STRING = "string";
  static final String BOOLEAN = "boolean";
  static final String NULL = "null";
  static final String ARRAY = "array";
  static final String INTEGER = "integer";
  static final String BIGINT = "bigint";
  static final String NUMBER = "number";

  private final Map<String, Slot> slots = new HashMap<>();
  private final List<Slot> seen = new ArrayList<>();

  /** One path and the widest kind seen for it; {@code null} while no value was seen. */
  static final class Slot {
    final String path;
    String kind;

    private Slot(String path) {
      this.path = path;
    }
  }

  /** The slot of {@code path}, created (without a kind) on first use. */
  Slot slot(String path) {
    return slots.computeIfAbsent(path, Slot::new);
  }

  /** The kind seen for {@code path}, or {@code null}. */
  String get(String path) {
    Slot slot = slots.get(path);
    return slot == null ? null : slot.kind;
  }

  /** Sets the kind of a path; a path keeps the place where it was first seen. */
  void set(Slot slot, String kind) {
    if (slot.kind == null) {
      seen.add(slot);
    }
    slot.kind = kind;
  }

  /** Widens the kind of a path by a value of {@code kind}. */
  void merge(Slot slot, String kind) {
    String current = slot.kind;
    if (current == null) {
      set(slot, kind);
    } else if (!current.equals(kind)) {
      slot.kind = wider(current, kind);
    }
  }

  /** The leaf fields (objects are not fields: their leaves are), in the order first seen. */
  List<io.sluice.api.source.ObservedField> fields() {
    List<io.sluice.api.source.ObservedField> fields = new ArrayList<>();
    for (Slot slot : seen) {
      if (!slot.kind.equals(OBJECT)) {
        fields.add(new io.sluice.api.source.ObservedField(slot.path, slot.kind));
      }
    }
    return fields;
  }

  /** The kind that holds values of kinds {@code a} and {@code b}. */
  static String wider(String a, String b) {
    if (a.equals(b) || b.equals(NULL)) {
      return a;
    }
    if (a.equals(NULL)) {
      return b;
    }
    int rankA = numberRank(a);
    int rankB = numberRank(b);
    if (rankA >= 0 && rankB >= 0) {
      return rankA >= rankB ? a : b;
    }
    return MIXED;
  }

  /** A number kind's place from narrowest to widest; -1 for other kinds. */
  private static int numberRank(String kind) {
    return switch (kind) {
      case INTEGER -> 0;
      case BIGINT -> 1;
      case NUMBER -> 2;
      default -> -1;
    };
  }
}
