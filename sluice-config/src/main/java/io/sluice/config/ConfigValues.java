package io.sluice.config;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The values of one mapping checked against a {@link ConfigDef}, with the YAML nodes they came from
 * (for locations in later, cross-key checks).
 */
public final class ConfigValues {
  private final ConfigDef def;
  private final Node anchor;
  private final Map<String, Object> values;
  private final Map<String, Node> keyNodes;
  private final Map<String, Node> valueNodes;

  private ConfigValues(Builder builder) {
    this.def = builder.def;
    this.anchor = builder.anchor;
    this.values = Map.copyOf(builder.values);
    this.keyNodes = Map.copyOf(builder.keyNodes);
    this.valueNodes = Map.copyOf(builder.valueNodes);
  }

  public ConfigDef def() {
    return def;
  }

  /** The mapping itself, or where it would be when it was not written. */
  public Node anchor() {
    return anchor;
  }

  /**
   * The value written, else the key's default, else the type's implicit default (an empty section
   * or map).
   *
   * @throws IllegalStateException for a key with no value and no default: use {@link #find}
   */
  public <T> T get(ConfigKey<T> key) {
    return find(key)
        .or(key::defaultValue)
        .or(() -> key.type().implicitDefault(nodeOf(key)))
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no value for " + key.name() + " in " + def.title() + "; use find()"));
  }

  /** The value written, if it was written and valid. */
  public <T> Optional<T> find(ConfigKey<T> key) {
    checkOwn(key);
    @SuppressWarnings("unchecked") // stored by Builder.put with this key's own type
    T value = (T) values.get(key.name());
    return Optional.ofNullable(value);
  }

  /** Whether the key was written, valid or not. */
  public boolean isSet(ConfigKey<?> key) {
    checkOwn(key);
    return keyNodes.containsKey(key.name());
  }

  /** Where the key's value was written, else the mapping. */
  public Node nodeOf(ConfigKey<?> key) {
    checkOwn(key);
    return valueNodes.getOrDefault(key.name(), anchor);
  }

  /** Where the key was written, else the mapping. */
  public Node keyNodeOf(ConfigKey<?> key) {
    checkOwn(key);
    return keyNodes.getOrDefault(key.name(), anchor);
  }

  /** The value as YAML gives it (see {@link YamlNodes#toJava}), if written. */
  public Optional<Object> rawValue(ConfigKey<?> key) {
    checkOwn(key);
    return Optional.ofNullable(valueNodes.get(key.name())).map(YamlNodes::toJava);
  }

  private void checkOwn(ConfigKey<?> key) {
    if (def.key(key.name()).orElse(null) != key) {
      throw new IllegalArgumentException(key.name() + " is not a key of " + def.title());
    }
  }

  static final class Builder {
    private final ConfigDef def;
    private final Node anchor;
    private final Map<String, Object> values = new HashMap<>();
    private final Map<String, Node> keyNodes = new HashMap<>();
    private final Map<String, Node> valueNodes = new HashMap<>();

    Builder(ConfigDef def, Node anchor) {
      this.def = requireNonNull(def, "def is null");
      this.anchor = requireNonNull(anchor, "anchor is null");
    }

    <T> void put(ConfigKey<T> key, Node keyNode, Node valueNode, ProblemReporter problems) {
      keyNodes.put(key.name(), keyNode);
      valueNodes.put(key.name(), valueNode);
      key.type().parse(valueNode, key.name(), problems).ifPresent(v -> values.put(key.name(), v));
    }

    boolean isSet(ConfigKey<?> key) {
      return keyNodes.containsKey(key.name());
    }

    ConfigValues build() {
      return new ConfigValues(this);
    }
  }
}
