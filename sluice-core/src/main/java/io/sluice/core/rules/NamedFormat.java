package io.sluice.core.rules;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The named formats of the {@code format} check, each defined by one anchored regular expression
 * that means the same in Java and RE2 (DuckDB), so every engine gives the same answer. The exact
 * semantics are documented in {@code docs/rules/format.md}.
 */
enum NamedFormat {
  EMAIL(
      "email",
      "^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$",
      "local@domain with a dot in the domain"),
  UUID(
      "uuid",
      "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
      "8-4-4-4-12 hex digits"),
  ISO_DATE("iso-date", "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", "YYYY-MM-DD"),
  URL("url", "^(https?|ftp)://[^\\s/?#]+([/?#]\\S*)?$", "http, https or ftp URL with a host"),
  IP(
      "ip",
      "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
          + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$",
      "dotted IPv4 address");

  private final String yamlName;
  private final String regex;
  private final String definition;

  NamedFormat(String yamlName, String regex, String definition) {
    this.yamlName = yamlName;
    this.regex = regex;
    this.definition = definition;
  }

  String yamlName() {
    return yamlName;
  }

  String regex() {
    return regex;
  }

  String definition() {
    return definition;
  }

  static NamedFormat of(String yamlName) {
    return Arrays.stream(values())
        .filter(f -> f.yamlName.equals(yamlName))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown format '"
                        + yamlName
                        + "'; known: "
                        + Arrays.stream(values())
                            .map(NamedFormat::yamlName)
                            .collect(Collectors.joining(", "))));
  }
}
