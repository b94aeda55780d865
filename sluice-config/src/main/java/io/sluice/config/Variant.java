package io.sluice.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One variant of a {@link ConfigType#tagged tagged} item, such as the check {@code range}.
 *
 * @param name the variant's name in YAML
 * @param doc one line for the reference docs
 * @param def the variant's arguments
 * @param shorthand a key of {@code def} that a non-mapping value stands for ({@code regex: "p"}
 *     means {@code regex: {pattern: "p"}}), if any
 * @param bare whether the name alone is allowed ({@code - not_null})
 */
public record Variant(
    String name, String doc, ConfigDef def, Optional<String> shorthand, boolean bare) {
  public Variant {
    requireNonNull(name, "name is null");
    requireNonNull(doc, "doc is null");
    requireNonNull(def, "def is null");
    requireNonNull(shorthand, "shorthand is null");
    shorthand.ifPresent(
        key -> {
          if (def.key(key).isEmpty()) {
            throw new IllegalArgumentException("shorthand " + key + " is not a key of " + name);
          }
        });
  }

  /** A variant written as its name alone or with arguments. */
  public static Variant bare(String name, String doc, ConfigDef def, String shorthand) {
    return new Variant(name, doc, def, Optional.of(shorthand), true);
  }

  /** A variant that needs arguments: a mapping, or the shorthand key's value. */
  public static Variant withArguments(String name, String doc, ConfigDef def, String shorthand) {
    return new Variant(name, doc, def, Optional.ofNullable(shorthand), false);
  }
}
