package io.sluice.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.cli.demo.Truth.Defect;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An independent reading of the shop's rules (examples/shop/sources/*.yaml), written without the
 * generator's code: which rule each record of the generated files fails, if any. Only as strict as
 * the generator's own value formats need; the pipeline tests check the real rules.
 */
final class ShopRulesOracle {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern BIGINT = Pattern.compile("[+-]?[0-9]+");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]+(\\.[0-9]+)?");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[a-z]{2,}");
  private static final Set<String> STATUSES = Set.of("placed", "paid", "shipped", "cancelled");
  private static final Set<String> EVENT_TYPES =
      Set.of("page_view", "product_view", "add_to_cart", "checkout");
  private static final Set<String> SEGMENTS = Set.of("standard", "gold", "platinum");

  /** Valid keys so far per source, for uniqueness across files and batches. */
  private final Set<String> orderIds = new HashSet<>();

  private final Set<String> eventIds = new HashSet<>();

  /** Rules of severity warn: their failures land. */
  private static final Set<String> WARN = Set.of("format(url)");

  private final Set<String> customerRefs = new HashSet<>();

  /**
   * Records and defects found in one file: {@code defects} must be quarantined, {@code warnings}
   * fail a rule of severity warn and land.
   */
  record Result(
      long records,
      List<Defect> defects,
      List<List<String>> failuresPerRecord,
      List<Defect> warnings) {}

  private static final Pattern URL = Pattern.compile("(https?|ftp)://[^\\s/?#]+([/?#]\\S*)?");

  Result check(Path project, String file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(project.resolve(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Defect> defects = new ArrayList<>();
    List<Defect> warnings = new ArrayList<>();
    List<List<String>> all = new ArrayList<>();
    long records = 0;
    boolean csv = file.endsWith(".csv");
    for (int i = csv ? 1 : 0; i < lines.size(); i++) {
      records++;
      List<String> failures =
          file.contains("/orders/")
              ? order(lines.get(i))
              : file.contains("/clicks/") ? click(lines.get(i)) : customer(lines.get(i));
      all.add(failures);
      for (String failure : failures) {
        (WARN.contains(failure) ? warnings : defects).add(new Defect(file, i + 1L, failure));
      }
    }
    return new Result(records, defects, all, warnings);
  }

  private List<String> order(String line) {
    List<String> fields = csvFields(line);
    List<String> failures = new ArrayList<>();
    if (fields.size() != 7) {
      return List.of("parse");
    }
    String id = fields.get(0);
    if (id == null || id.isBlank()) {
      failures.add("not_null(order_id)");
    } else if (!BIGINT.matcher(id.trim()).matches()) {
      failures.add("type(order_id)");
    }
    if (fields.get(1) == null) {
      failures.add("not_null(customer_id)");
    } else if (!customerRefs.contains(fields.get(1))) {
      failures.add("relationships(customer_id)");
    }
    String orderedAt = fields.get(2);
    if (orderedAt == null || orderedAt.isBlank()) {
      failures.add("not_null(ordered_at)");
    } else if (!isInstant(orderedAt)) {
      failures.add("type(ordered_at)");
    }
    if (fields.get(3) != null && !STATUSES.contains(fields.get(3))) {
      failures.add("accepted_values(status)");
    }
    String amount = fields.get(4);
    if (amount == null || amount.isBlank()) {
      failures.add("not_null(amount)");
    } else if (!DECIMAL.matcher(amount.trim()).matches()) {
      failures.add("type(amount)");
    } else {
      BigDecimal value = new BigDecimal(amount.trim());
      if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(100_000)) > 0) {
        failures.add("range(amount)");
      }
      if (value.compareTo(BigDecimal.valueOf(5_000)) > 0 && !"cancelled".equals(fields.get(3))) {
        failures.add("approved_amount");
      }
    }
    String currency = fields.get(5) == null ? "EUR" : fields.get(5);
    if (!CURRENCY.matcher(currency).matches()) {
      failures.add("regex(currency)");
    }
    if (fields.get(6) == null) {
      failures.add("not_null(country)");
    } else if (fields.get(6).codePointCount(0, fields.get(6).length()) != 2) {
      failures.add("length(country)");
    }
    if (failures.isEmpty() && !orderIds.add(id.trim())) {
      failures.add("unique(order_id)");
    }
    return failures;
  }

  private List<String> click(String line) {
    JsonNode event;
    try {
      event = JSON.readTree(line);
    } catch (IOException e) {
      return List.of("parse");
    }
    if (event == null || !event.isObject()) {
      return List.of("parse");
    }
    List<String> failures = new ArrayList<>();
    String id = text(event, "id");
    if (id == null) {
      failures.add("not_null(event_id)");
    }
    String ts = text(event, "ts");
    if (ts == null || ts.isBlank()) {
      failures.add("not_null(event_time)");
    } else if (!isInstant(ts)) {
      failures.add("type(event_time)");
    }
    String type = text(event, "type");
    if (type != null && !EVENT_TYPES.contains(type)) {
      failures.add("accepted_values(event_type)");
    }
    if (text(event, "session") == null) {
      failures.add("not_null(session_id)");
    }
    if (failures.isEmpty() && !eventIds.add(id)) {
      failures.add("unique(event_id)");
    }
    String url = text(event, "context", "page", "url");
    if (url != null && !URL.matcher(url).matches()) {
      failures.add("format(url)"); // severity warn
    }
    return failures;
  }

  private List<String> customer(String line) {
    JsonNode customer;
    try {
      customer = JSON.readTree(line);
    } catch (IOException e) {
      return List.of("parse");
    }
    List<String> failures = new ArrayList<>();
    String ref = text(customer, "customerRef");
    if (ref == null) {
      failures.add("not_null(customer_id)");
    }
    String email = text(customer, "contact", "emailAddress");
    if (email != null && !EMAIL.matcher(email).matches()) {
      failures.add("regex(email)");
    }
    if (text(customer, "address", "countryCode") == null) {
      failures.add("not_null(country)");
    }
    String created = text(customer, "createdDate");
    if (created != null && !created.isBlank()) {
      try {
        LocalDate.parse(created.trim());
      } catch (DateTimeParseException e) {
        failures.add("type(signed_up_on)");
      }
    }
    String tier = text(customer, "tier");
    if (tier != null && !SEGMENTS.contains(tier.toLowerCase(Locale.ROOT))) {
      failures.add("accepted_values(segment)");
    }
    if (failures.isEmpty() && !customerRefs.add(ref)) {
      failures.add("unique(customer_id)");
    }
    return failures;
  }

  private static boolean isInstant(String text) {
    try {
      Instant.parse(text.trim());
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static String text(JsonNode node, String... path) {
    JsonNode current = node;
    for (String name : path) {
      current = current.get(name);
      if (current == null || current.isNull()) {
        return null;
      }
    }
    return current.asText();
  }

  /** RFC 4180 fields of one line; an unquoted empty field is null. */
  static List<String> csvFields(String line) {
    List<String> fields = new ArrayList<>();
    int i = 0;
    while (true) {
      if (i < line.length() && line.charAt(i) == '"') {
        StringBuilder value = new StringBuilder();
        i++;
        while (true) {
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < line.length() && line.charAt(i) == '"') {
              value.append('"');
              i++;
            } else {
              break;
            }
          } else {
            value.append(c);
          }
        }
        fields.add(value.toString());
      } else {
        int end = line.indexOf(',', i);
        String value = end < 0 ? line.substring(i) : line.substring(i, end);
        fields.add(value.isEmpty() ? null : value);
        i = end < 0 ? line.length() : end;
      }
      if (i >= line.length()) {
        return fields;
      }
      i++; // the comma
    }
  }
}
