package io.sluice.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The keys of one YAML mapping (a file or a section of one), in the spirit of Kafka's {@code
 * ConfigDef}: each key defined once with its type, default and documentation. Parsing checks a
 * mapping strictly: unknown keys (with a did-you-mean), duplicate keys, missing required keys and
 * wrongly typed values are all reported, and parsing carries on past each one.
 */
public final class ConfigDef {
  private final String title;
  private final String doc;
  private final String labelKey; // null when messages name the mapping by its title only
  private final Map<String, ConfigKey<?>> keys;

  private ConfigDef(Builder builder) {
    this.title = builder.title;
    this.doc = builder.doc;
    this.labelKey = builder.labelKey;
    this.keys = new LinkedHashMap<>();
    for (ConfigKey<?> key : builder.keys) {
      if (keys.putIfAbsent(key.name(), key) != null) {
        throw new IllegalArgumentException("key " + key.name() + " defined twice in " + title);
      }
    }
    if (labelKey != null && !keys.containsKey(labelKey)) {
      throw new IllegalArgumentException("label key " + labelKey + " is not a key of " + title);
    }
  }

  /**
   * Starts a definition.
   *
   * @param title what the mapping is called in messages and docs, e.g. {@code csv}
   * @param doc one line for the reference docs
   */
  public static Builder builder(String title, String doc) {
    return new Builder(title, doc);
  }

  public String title() {
    return title;
  }

  public String doc() {
    return doc;
  }

  /** The keys in the order they are documented. */
  public List<ConfigKey<?>> keys() {
    return List.copyOf(keys.values());
  }

  public Optional<ConfigKey<?>> key(String name) {
    return Optional.ofNullable(keys.get(name));
  }

  /**
   * Checks a whole document (or any node that must be a mapping of these keys).
   *
   * @return the values, or empty when {@code node} is not a mapping (reported)
   */
  public Optional<ConfigValues> parse(Node node, ProblemReporter problems) {
    if (!(node instanceof MappingNode mapping)) {
      problems.report(
          node, "expected a mapping of " + title + " keys, found " + YamlNodes.describe(node));
      return Optional.empty();
    }
    return Optional.of(parseMapping(mapping, problems));
  }

  ConfigValues parseMapping(MappingNode mapping, ProblemReporter problems) {
    String label = label(mapping);
    ConfigValues.Builder values = new ConfigValues.Builder(this, mapping);
    for (NodeTuple tuple : ConfigType.mappingEntries(mapping, label, problems)) {
      String name = ((ScalarNode) tuple.getKeyNode()).getValue();
      ConfigKey<?> key = keys.get(name);
      if (key == null) {
        problems.report(
            tuple.getKeyNode(),
            "unknown key '" + name + "' in " + label + DidYouMean.hint(name, keys.keySet()));
        continue;
      }
      values.put(key, tuple.getKeyNode(), tuple.getValueNode(), problems);
    }
    for (ConfigKey<?> key : keys.values()) {
      if (key.required() && !values.isSet(key)) {
        problems.report(mapping, "missing required key '" + key.name() + "' in " + label);
      }
    }
    return values.build();
  }

  /** The arguments of a variant written in short form, e.g. {@code regex: "^a"}. */
  ConfigValues parseShorthand(String keyName, Node value, ProblemReporter problems) {
    ConfigKey<?> key = keys.get(keyName);
    ConfigValues.Builder values = new ConfigValues.Builder(this, value);
    values.put(key, value, value, problems);
    return values.build();
  }

  /** No key set: every value is its default. */
  ConfigValues empty(Node anchor) {
    return new ConfigValues.Builder(this, anchor).build();
  }

  private String label(MappingNode mapping) {
    if (labelKey != null) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key
            && key.getValue().equals(labelKey)
            && tuple.getValueNode() instanceof ScalarNode value
            && !YamlNodes.isNull(value)) {
          return title + " '" + value.getValue() + "'";
        }
      }
    }
    return title;
  }

  /** A JSON Schema (draft 2020-12) object for this mapping; unknown keys are not allowed. */
  public ObjectNode jsonSchema(JsonNodeFactory json) {
    ObjectNode schema = json.objectNode().put("type", "object");
    schema.put("description", doc);
    ObjectNode properties = schema.putObject("properties");
    List<String> required = new ArrayList<>();
    for (ConfigKey<?> key : keys.values()) {
      properties.set(key.name(), key.jsonSchema(json));
      if (key.required()) {
        required.add(key.name());
      }
    }
    if (!required.isEmpty()) {
      ArrayNode array = schema.putArray("required");
      required.forEach(array::add);
    }
    schema.put("additionalProperties", false);
    return schema;
  }

  @Override
  public String toString() {
    return title;
  }

  /** Builds a {@link ConfigDef}. */
  public static final class Builder {
    private final String title;
    private final String doc;
    private final List<ConfigKey<?>> keys = new ArrayList<>();
    private String labelKey;

    private Builder(String title, String doc) {
      this.title = requireNonNull(title, "title is null");
      this.doc = requireNonNull(doc, "doc is null");
    }

    /**
     * A key whose value names the mapping in messages: with {@code name}, an unknown key in a
     * column reads "unknown key 'x' in column 'amount'".
     */
    public Builder labelKey(String labelKey) {
      this.labelKey = requireNonNull(labelKey, "labelKey is null");
      return this;
    }

    public Builder add(ConfigKey<?>... keys) {
      this.keys.addAll(List.of(keys));
      return this;
    }

    /** Adds every key of {@code other}, e.g. a connector's options to a source's keys. */
    public Builder addAll(ConfigDef other) {
      this.keys.addAll(other.keys());
      return this;
    }

    public ConfigDef build() {
      return new ConfigDef(this);
    }
  }
}
