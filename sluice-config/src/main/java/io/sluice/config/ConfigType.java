package io.sluice.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The type of a configuration value: how a YAML node is checked and converted, how the type reads
 * in the reference docs, and its JSON Schema.
 *
 * <p>Problems are reported as {@code key: expected <type>, found <what was written>}; a value that
 * fails yields an empty result and the caller carries on, so that every problem is found in one
 * pass.
 *
 * @param <T> the Java type of a parsed value
 */
public abstract class ConfigType<T> {
  /** Project, source, column and model names. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  ConfigType() {}

  /**
   * Checks and converts {@code node}.
   *
   * @param key the key the value belongs to, for messages
   * @return the value, or empty after reporting why there is none
   */
  abstract Optional<T> parse(Node node, String key, ProblemReporter problems);

  /** How the type reads in the reference docs, e.g. {@code boolean} or {@code list of string}. */
  public abstract String displayName();

  /** This type's JSON Schema (draft 2020-12) fragment. */
  abstract ObjectNode jsonSchema(JsonNodeFactory json);

  /** A value as it appears in JSON (a schema's {@code default}) and in the docs. */
  Object toJson(T value) {
    return value;
  }

  /** The value of an absent key that has no declared default, e.g. an empty section. */
  Optional<T> implicitDefault(Node anchor) {
    return Optional.empty();
  }

  /** Sections reachable from this type, for the reference docs. */
  public List<Nested> nested() {
    return List.of();
  }

  /** The variants of a tagged type, for the docs; empty for other types. */
  public List<Variant> variants() {
    return List.of();
  }

  /**
   * A section reachable from a type: {@code suffix} is appended to the key's path in headings
   * ({@code []} for list items, {@code .range} for a variant).
   */
  public record Nested(String suffix, ConfigDef def) {}

  /**
   * A type that also requires {@code check} to hold.
   *
   * @param check returns a message (without the key) when the value is not acceptable
   */
  public final ConfigType<T> withCheck(Function<? super T, Optional<String>> check) {
    requireNonNull(check, "check is null");
    return new Derived<>(
        this,
        value -> {
          Optional<String> problem = check.apply(value);
          if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
          }
          return value;
        },
        v -> toJson(v),
        schema -> {},
        displayName());
  }

  /**
   * A type whose value is converted by {@code conversion}; an {@link IllegalArgumentException} from
   * it is reported with its message.
   */
  public final <R> ConfigType<R> map(
      Function<? super T, ? extends R> conversion, Function<? super R, ?> json) {
    return new Derived<>(this, conversion, json, schema -> {}, displayName());
  }

  /** The same type with more JSON Schema keywords (a {@code pattern}, {@code examples}, ...). */
  public final ConfigType<T> withSchema(Consumer<ObjectNode> extra) {
    return new Derived<>(this, v -> v, v -> toJson(v), extra, displayName());
  }

  /** The same type under another name in the docs. */
  public final ConfigType<T> named(String displayName) {
    return new Derived<>(this, v -> v, v -> toJson(v), schema -> {}, displayName);
  }

  // ---- factories

  /** Any scalar, as its text (so {@code name: 123} is the string {@code "123"}). */
  public static ConfigType<String> string() {
    return new TextType("string", "a string") {
      @Override
      ObjectNode jsonSchema(JsonNodeFactory json) {
        return json.objectNode().put("type", "string");
      }
    };
  }

  /** A string that is a name, matching {@link #NAME}. */
  public static ConfigType<String> identifier() {
    return string()
        .withCheck(
            value ->
                NAME.matcher(value).matches()
                    ? Optional.empty()
                    : Optional.of(
                        "invalid name '"
                            + value
                            + "': use letters, digits and _, not starting with a digit"))
        .withSchema(schema -> schema.put("pattern", "^" + NAME.pattern() + "$"))
        .named("name");
  }

  /** A scalar of one of the given JSON types, kept as its text (a default, a bound). */
  public static ConfigType<String> scalarText(String... jsonTypes) {
    List<String> types = List.of(jsonTypes);
    return new TextType(String.join(" or ", types), "a scalar") {
      @Override
      ObjectNode jsonSchema(JsonNodeFactory json) {
        ObjectNode schema = json.objectNode();
        if (types.size() == 1) {
          schema.put("type", types.get(0));
        } else {
          ArrayNode array = schema.putArray("type");
          types.forEach(array::add);
        }
        return schema;
      }
    };
  }

  /** {@code true} or {@code false} (YAML 1.1 also reads {@code yes}/{@code no}, {@code on}/...). */
  public static ConfigType<Boolean> bool() {
    return new TaggedScalarType<>("boolean", "a boolean", List.of(Tag.BOOL)) {
      @Override
      Boolean convert(ScalarNode node) {
        return (Boolean) YamlNodes.toJava(node);
      }

      @Override
      ObjectNode jsonSchema(JsonNodeFactory json) {
        return json.objectNode().put("type", "boolean");
      }
    };
  }

  /** An integer of at least {@code min}. */
  public static ConfigType<Integer> integer(int min) {
    String display = "integer ≥ " + min;
    return new TaggedScalarType<>(display, "an " + display, List.of(Tag.INT)) {
      @Override
      Integer convert(ScalarNode node) {
        Object value = YamlNodes.toJava(node);
        if (!(value instanceof Integer number)) {
          throw new IllegalArgumentException("too large");
        }
        if (number < min) {
          throw new IllegalArgumentException("less than " + min);
        }
        return number;
      }

      @Override
      ObjectNode jsonSchema(JsonNodeFactory json) {
        return json.objectNode().put("type", "integer").put("minimum", min);
      }
    };
  }

  /** A number between {@code min} and {@code max}, inclusive. */
  public static ConfigType<Double> number(double min, double max) {
    String range = plain(min) + ".." + plain(max);
    return new TaggedScalarType<>(
        "number " + range,
        "a number between " + plain(min) + " and " + plain(max),
        List.of(Tag.INT, Tag.FLOAT)) {
      @Override
      Double convert(ScalarNode node) {
        double value = ((Number) YamlNodes.toJava(node)).doubleValue();
        if (!(value >= min && value <= max)) {
          throw new IllegalArgumentException("out of range");
        }
        return value;
      }

      @Override
      ObjectNode jsonSchema(JsonNodeFactory json) {
        return json.objectNode().put("type", "number").put("minimum", min).put("maximum", max);
      }
    };
  }

  /** A duration: a whole number and a unit, {@code 30s}, {@code 15m}, {@code 6h} or {@code 7d}. */
  public static ConfigType<Duration> duration() {
    return new ScalarType<>("duration", "a duration such as 30s, 15m, 6h or 7d") {
      @Override
      Duration convert(ScalarNode node) {
        return parseDuration(node.getValue());
      }

      @Override
      Object toJson(Duration value) {
        return formatDuration(value);
      }

      @Override
      ObjectNode jsonSchema(JsonNodeFactory json) {
        return json.objectNode().put("type", "string").put("pattern", DURATION.pattern());
      }
    };
  }

  private static final Pattern DURATION = Pattern.compile("^([0-9]{1,9})([smhd])$");

  /**
   * Reads a duration as {@link #duration()} does, e.g. for a command-line flag.
   *
   * @throws IllegalArgumentException naming the expected form when {@code text} is not one
   */
  public static Duration parseDuration(String text) {
    java.util.regex.Matcher matcher = DURATION.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "expected a duration such as 30s, 15m, 6h or 7d, found '" + text + "'");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  /** A duration as {@link #duration()} reads it, in the largest unit that divides it. */
  public static String formatDuration(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds != 0 && seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds != 0 && seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  /** A string of exactly one character, e.g. a CSV delimiter ({@code "\t"} for a tab). */
  public static ConfigType<String> character() {
    return new TextType("character", "a single character") {
      @Override
      String convert(ScalarNode node) {
        String value = node.getValue();
        if (value.codePointCount(0, value.length()) != 1) {
          throw new IllegalArgumentException("not one character");
        }
        return value;
      }

      @Override
      ObjectNode jsonSchema(JsonNodeFactory json) {
        return json.objectNode().put("type", "string").put("minLength", 1).put("maxLength", 1);
      }
    };
  }

  /** One of the given words, case-sensitive. */
  public static ConfigType<String> oneOf(String... allowed) {
    List<String> values = List.of(allowed);
    return new TextType(words(values), "one of " + String.join(", ", values)) {
      @Override
      Optional<String> parse(Node node, String key, ProblemReporter problems) {
        if (node instanceof ScalarNode scalar && !YamlNodes.isNull(node)) {
          if (values.contains(scalar.getValue())) {
            return Optional.of(scalar.getValue());
          }
          problems.report(
              node,
              key
                  + ": expected one of "
                  + String.join(", ", values)
                  + ", found "
                  + YamlNodes.describe(node)
                  + DidYouMean.hint(scalar.getValue(), values));
          return Optional.empty();
        }
        return super.parse(node, key, problems);
      }

      @Override
      ObjectNode jsonSchema(JsonNodeFactory json) {
        ObjectNode schema = json.objectNode().put("type", "string");
        ArrayNode array = schema.putArray("enum");
        values.forEach(array::add);
        return schema;
      }
    };
  }

  /** A mapping of names to scalars, the scalars kept as text. */
  public static ConfigType<Map<String, String>> stringMap() {
    return new ConfigType<>() {
      @Override
      Optional<Map<String, String>> parse(Node node, String key, ProblemReporter problems) {
        if (!(node instanceof MappingNode mapping)) {
          problems.report(node, key + ": expected a mapping, found " + YamlNodes.describe(node));
          return Optional.empty();
        }
        Map<String, String> result = new LinkedHashMap<>();
        boolean ok = true;
        for (NodeTuple tuple : mappingEntries(mapping, key, problems)) {
          Node value = tuple.getValueNode();
          String name = YamlNodes.text(tuple.getKeyNode());
          if (value instanceof ScalarNode scalar && !YamlNodes.isNull(value)) {
            result.put(name, scalar.getValue());
          } else {
            problems.report(
                value,
                key + "." + name + ": expected a string, found " + YamlNodes.describe(value));
            ok = false;
          }
        }
        return ok ? Optional.of(result) : Optional.empty();
      }

      @Override
      public String displayName() {
        return "map of string";
      }

      @Override
      ObjectNode jsonSchema(JsonNodeFactory json) {
        ObjectNode schema = json.objectNode().put("type", "object");
        ArrayNode types = schema.putObject("additionalProperties").putArray("type");
        types.add("string").add("number").add("boolean");
        return schema;
      }

      @Override
      Optional<Map<String, String>> implicitDefault(Node anchor) {
        return Optional.of(Map.of());
      }
    };
  }

  /** A mapping of names to anything YAML can hold (plain Java values, see {@link YamlNodes}). */
  public static ConfigType<Map<String, Object>> anyMap() {
    return new ConfigType<>() {
      @Override
      Optional<Map<String, Object>> parse(Node node, String key, ProblemReporter problems) {
        if (!(node instanceof MappingNode mapping)) {
          problems.report(node, key + ": expected a mapping, found " + YamlNodes.describe(node));
          return Optional.empty();
        }
        Map<String, Object> result = new LinkedHashMap<>();
        boolean ok = true;
        for (NodeTuple tuple : mappingEntries(mapping, key, problems)) {
          String name = YamlNodes.text(tuple.getKeyNode());
          if (YamlNodes.isNull(tuple.getValueNode())) {
            problems.report(tuple.getValueNode(), key + "." + name + ": has no value");
            ok = false;
          } else {
            result.put(name, YamlNodes.toJava(tuple.getValueNode()));
          }
        }
        return ok ? Optional.of(result) : Optional.empty();
      }

      @Override
      public String displayName() {
        return "map";
      }

      @Override
      ObjectNode jsonSchema(JsonNodeFactory json) {
        return json.objectNode().put("type", "object");
      }

      @Override
      Optional<Map<String, Object>> implicitDefault(Node anchor) {
        return Optional.of(Map.of());
      }
    };
  }

  /** A list whose items are all of {@code element}'s type. */
  public static <E> ConfigType<List<E>> listOf(ConfigType<E> element) {
    return new ListType<>(element, false);
  }

  /** A list with at least one item. */
  public static <E> ConfigType<List<E>> nonEmptyListOf(ConfigType<E> element) {
    return new ListType<>(element, true);
  }

  /** A nested mapping checked against {@code def}; absent, it is empty (all defaults). */
  public static ConfigType<ConfigValues> section(ConfigDef def) {
    return new SectionType(def);
  }

  /**
   * Items that are each a variant's bare name ({@code not_null}) or a one-key mapping from a
   * variant's name to its arguments ({@code range: {min: 0}}).
   *
   * @param title what a variant is called in messages and docs, e.g. {@code check}
   */
  public static ConfigType<TaggedValue> tagged(String title, Variant... variants) {
    return new TaggedType(title, List.of(variants));
  }

  // ---- implementations

  /** Duplicate-free entries of a mapping whose keys are scalars; reports the others. */
  static List<NodeTuple> mappingEntries(
      MappingNode mapping, String what, ProblemReporter problems) {
    List<NodeTuple> entries = new ArrayList<>();
    Map<String, Node> seen = new HashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode scalar) || YamlNodes.isNull(keyNode)) {
        problems.report(
            keyNode, what + ": expected a key name, found " + YamlNodes.describe(keyNode));
        continue;
      }
      Node first = seen.putIfAbsent(scalar.getValue(), keyNode);
      if (first != null) {
        problems.report(
            keyNode,
            "duplicate key '"
                + scalar.getValue()
                + "' in "
                + what
                + " (first set at line "
                + YamlNodes.line(first)
                + ")");
        continue;
      }
      entries.add(tuple);
    }
    return entries;
  }

  /** {@code `a`, `b` or `c`} */
  private static String words(List<String> values) {
    List<String> quoted = values.stream().map(v -> "`" + v + "`").toList();
    if (quoted.size() == 1) {
      return quoted.get(0);
    }
    return String.join(", ", quoted.subList(0, quoted.size() - 1))
        + " or "
        + quoted.get(quoted.size() - 1);
  }

  private static String plain(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  /** A non-null scalar, converted from its text. */
  private abstract static class ScalarType<T> extends ConfigType<T> {
    private final String displayName;
    private final String expected;

    ScalarType(String displayName, String expected) {
      this.displayName = displayName;
      this.expected = expected;
    }

    @Override
    Optional<T> parse(Node node, String key, ProblemReporter problems) {
      if (node instanceof ScalarNode scalar && !YamlNodes.isNull(node)) {
        try {
          return Optional.of(convert(scalar));
        } catch (IllegalArgumentException e) {
          // fall through to the type message: the detail adds nothing a person needs
        }
      }
      reportMismatch(node, key, problems);
      return Optional.empty();
    }

    final void reportMismatch(Node node, String key, ProblemReporter problems) {
      problems.report(node, key + ": expected " + expected + ", found " + YamlNodes.describe(node));
    }

    /**
     * The value of a non-null scalar.
     *
     * @throws IllegalArgumentException when the scalar is not of this type
     */
    abstract T convert(ScalarNode node);

    @Override
    public String displayName() {
      return displayName;
    }
  }

  /** Any non-null scalar, as its text. */
  private abstract static class TextType extends ScalarType<String> {
    TextType(String displayName, String expected) {
      super(displayName, expected);
    }

    @Override
    String convert(ScalarNode node) {
      return node.getValue();
    }
  }

  /** A scalar that YAML resolved to one of the given tags. */
  private abstract static class TaggedScalarType<T> extends ScalarType<T> {
    private final List<Tag> tags;

    TaggedScalarType(String displayName, String expected, List<Tag> tags) {
      super(displayName, expected);
      this.tags = tags;
    }

    @Override
    Optional<T> parse(Node node, String key, ProblemReporter problems) {
      if (!tags.contains(node.getTag())) {
        // a quoted "true" or "5" is a string, as in JSON
        reportMismatch(node, key, problems);
        return Optional.empty();
      }
      return super.parse(node, key, problems);
    }
  }

  private static final class ListType<E> extends ConfigType<List<E>> {
    private final ConfigType<E> element;
    private final boolean nonEmpty;

    ListType(ConfigType<E> element, boolean nonEmpty) {
      this.element = element;
      this.nonEmpty = nonEmpty;
    }

    @Override
    Optional<List<E>> parse(Node node, String key, ProblemReporter problems) {
      if (!(node instanceof SequenceNode sequence)) {
        problems.report(node, key + ": expected a list, found " + YamlNodes.describe(node));
        return Optional.empty();
      }
      if (nonEmpty && sequence.getValue().isEmpty()) {
        problems.report(node, key + ": expected at least one item, found an empty list");
        return Optional.empty();
      }
      // the valid items, so that later checks still see them; the others are reported
      List<E> result = new ArrayList<>();
      for (Node item : sequence.getValue()) {
        element.parse(item, key, problems).ifPresent(result::add);
      }
      return Optional.of(result);
    }

    @Override
    public String displayName() {
      return "list of " + element.displayName();
    }

    @Override
    ObjectNode jsonSchema(JsonNodeFactory json) {
      ObjectNode schema = json.objectNode().put("type", "array");
      if (nonEmpty) {
        schema.put("minItems", 1);
      }
      schema.set("items", element.jsonSchema(json));
      return schema;
    }

    @Override
    Object toJson(List<E> value) {
      return value.stream().map(element::toJson).toList();
    }

    @Override
    public List<Variant> variants() {
      return element.variants();
    }

    @Override
    public List<Nested> nested() {
      return element.nested().stream().map(n -> new Nested("[]" + n.suffix(), n.def())).toList();
    }
  }

  private static final class SectionType extends ConfigType<ConfigValues> {
    private final ConfigDef def;

    SectionType(ConfigDef def) {
      this.def = requireNonNull(def, "def is null");
    }

    @Override
    Optional<ConfigValues> parse(Node node, String key, ProblemReporter problems) {
      if (!(node instanceof MappingNode mapping)) {
        problems.report(node, key + ": expected a mapping, found " + YamlNodes.describe(node));
        return Optional.empty();
      }
      return Optional.of(def.parseMapping(mapping, problems));
    }

    @Override
    public String displayName() {
      return def.title();
    }

    @Override
    ObjectNode jsonSchema(JsonNodeFactory json) {
      return def.jsonSchema(json);
    }

    @Override
    Object toJson(ConfigValues value) {
      return Map.of();
    }

    @Override
    Optional<ConfigValues> implicitDefault(Node anchor) {
      return Optional.of(def.empty(anchor));
    }

    @Override
    public List<Nested> nested() {
      return List.of(new Nested("", def));
    }
  }

  private static final class TaggedType extends ConfigType<TaggedValue> {
    private final String title;
    private final Map<String, Variant> variants = new LinkedHashMap<>();

    TaggedType(String title, List<Variant> variants) {
      this.title = requireNonNull(title, "title is null");
      variants.forEach(v -> this.variants.put(v.name(), v));
    }

    @Override
    Optional<TaggedValue> parse(Node node, String key, ProblemReporter problems) {
      if (node instanceof ScalarNode scalar && !YamlNodes.isNull(node)) {
        Optional<Variant> variant = variant(scalar, problems);
        if (variant.isEmpty()) {
          return Optional.empty();
        }
        if (!variant.get().bare()) {
          problems.report(
              node,
              title
                  + " '"
                  + scalar.getValue()
                  + "' needs arguments: write it as '"
                  + scalar.getValue()
                  + ": ...'");
          return Optional.empty();
        }
        return Optional.of(
            new TaggedValue(scalar.getValue(), variant.get().def().empty(node), node));
      }
      if (node instanceof MappingNode mapping) {
        List<NodeTuple> entries = mapping.getValue();
        if (entries.size() != 1) {
          problems.report(
              node,
              key
                  + ": expected one "
                  + title
                  + " per item, found "
                  + (entries.isEmpty()
                      ? "an empty mapping"
                      : "a mapping with keys "
                          + String.join(
                              ", ",
                              entries.stream().map(t -> YamlNodes.text(t.getKeyNode())).toList())));
          return Optional.empty();
        }
        Node nameNode = entries.get(0).getKeyNode();
        Node valueNode = entries.get(0).getValueNode();
        if (!(nameNode instanceof ScalarNode scalar) || YamlNodes.isNull(nameNode)) {
          problems.report(
              nameNode,
              key + ": expected a " + title + " name, found " + YamlNodes.describe(nameNode));
          return Optional.empty();
        }
        Optional<Variant> found = variant(scalar, problems);
        if (found.isEmpty()) {
          return Optional.empty();
        }
        Variant variant = found.get();
        ConfigValues values;
        if (valueNode instanceof MappingNode arguments) {
          values = variant.def().parseMapping(arguments, problems);
        } else if (variant.shorthand().isPresent()) {
          values = variant.def().parseShorthand(variant.shorthand().get(), valueNode, problems);
        } else {
          problems.report(
              valueNode,
              variant.name() + ": expected a mapping, found " + YamlNodes.describe(valueNode));
          return Optional.empty();
        }
        return Optional.of(new TaggedValue(variant.name(), values, node));
      }
      problems.report(
          node,
          key + ": expected a " + title + " name or a mapping, found " + YamlNodes.describe(node));
      return Optional.empty();
    }

    private Optional<Variant> variant(ScalarNode name, ProblemReporter problems) {
      Variant variant = variants.get(name.getValue());
      if (variant == null) {
        problems.report(
            name,
            "unknown "
                + title
                + " '"
                + name.getValue()
                + "'"
                + DidYouMean.hint(name.getValue(), variants.keySet())
                + "; expected one of "
                + String.join(", ", variants.keySet()));
      }
      return Optional.ofNullable(variant);
    }

    @Override
    public String displayName() {
      return title;
    }

    @Override
    ObjectNode jsonSchema(JsonNodeFactory json) {
      ObjectNode schema = json.objectNode();
      ArrayNode anyOf = schema.putArray("anyOf");
      ObjectNode bare = anyOf.addObject().put("type", "string");
      ArrayNode names = bare.putArray("enum");
      variants.values().stream().filter(Variant::bare).forEach(v -> names.add(v.name()));
      ObjectNode withArguments =
          anyOf.addObject().put("type", "object").put("minProperties", 1).put("maxProperties", 1);
      ObjectNode properties = withArguments.putObject("properties");
      for (Variant variant : variants.values()) {
        ObjectNode section = variant.def().jsonSchema(json);
        ObjectNode property;
        if (variant.shorthand().isPresent()) {
          property = json.objectNode();
          ArrayNode forms = property.putArray("anyOf");
          forms.add(variant.def().key(variant.shorthand().get()).orElseThrow().jsonSchema(json));
          forms.add(section);
        } else {
          property = section;
        }
        property.put("description", variant.doc());
        properties.set(variant.name(), property);
      }
      withArguments.put("additionalProperties", false);
      return schema;
    }

    @Override
    public List<Nested> nested() {
      return variants.values().stream()
          .filter(v -> !v.def().keys().isEmpty())
          .map(v -> new Nested("." + v.name(), v.def()))
          .toList();
    }

    @Override
    public List<Variant> variants() {
      return List.copyOf(variants.values());
    }
  }

  private static final class Derived<S, T> extends ConfigType<T> {
    private final ConfigType<S> base;
    private final Function<? super S, ? extends T> conversion;
    private final Function<? super T, ?> json;
    private final Consumer<ObjectNode> extraSchema;
    private final String displayName;

    Derived(
        ConfigType<S> base,
        Function<? super S, ? extends T> conversion,
        Function<? super T, ?> json,
        Consumer<ObjectNode> extraSchema,
        String displayName) {
      this.base = base;
      this.conversion = conversion;
      this.json = json;
      this.extraSchema = extraSchema;
      this.displayName = displayName;
    }

    @Override
    Optional<T> parse(Node node, String key, ProblemReporter problems) {
      Optional<S> value = base.parse(node, key, problems);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(conversion.apply(value.get()));
      } catch (IllegalArgumentException e) {
        problems.report(node, e.getMessage());
        return Optional.empty();
      }
    }

    @Override
    public String displayName() {
      return displayName;
    }

    @Override
    ObjectNode jsonSchema(JsonNodeFactory factory) {
      ObjectNode schema = base.jsonSchema(factory);
      extraSchema.accept(schema);
      return schema;
    }

    @Override
    Object toJson(T value) {
      return json.apply(value);
    }

    @Override
    public List<Nested> nested() {
      return base.nested();
    }

    @Override
    public List<Variant> variants() {
      return base.variants();
    }
  }
}
