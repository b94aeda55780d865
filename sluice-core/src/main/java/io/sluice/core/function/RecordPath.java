package io.sluice.core.function;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A dotted path to a field of a JSON record ({@code contact.emailAddress}): each segment is an
 * object key, as in a source's {@code from:}.
 */
record RecordPath(String text, List<String> parents, String leaf) {
  static RecordPath parse(String text) {
    List<String> segments = List.of(text.split("\\.", -1));
    return new RecordPath(
        text, segments.subList(0, segments.size() - 1), segments.get(segments.size() - 1));
  }

  /** The object holding the leaf, when every parent is an object. */
  @SuppressWarnings("unchecked")
  Optional<Map<String, Object>> parent(Map<String, Object> record) {
    Map<String, Object> current = record;
    for (String segment : parents) {
      if (!(current.get(segment) instanceof Map<?, ?> next)) {
        return Optional.empty();
      }
      current = (Map<String, Object>) next;
    }
    return Optional.of(current);
  }

  /** The leaf's value: empty when absent, {@code Optional.of(NULL)} never (JSON null is absent). */
  Optional<Object> value(Map<String, Object> record) {
    return parent(record).map(p -> p.get(leaf));
  }

  /** A scalar as text, as a field would read it; an object or array is an error. */
  static String scalarText(String function, RecordPath path, Object value) {
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      throw new IllegalArgumentException(
          "field '"
              + path.text()
              + "' is "
              + (value instanceof Map<?, ?> ? "an object" : "an array")
              + "; "
              + function
              + " applies to text, numbers and booleans");
    }
    return value instanceof java.math.BigDecimal d ? d.toPlainString() : value.toString();
  }
}
