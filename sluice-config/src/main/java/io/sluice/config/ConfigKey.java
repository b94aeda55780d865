package io.sluice.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * One configuration key: its name, type, default and documentation, defined once and used for
 * parsing, the JSON Schemas and the reference docs.
 *
 * @param <T> the Java type of the key's value
 */
public final class ConfigKey<T> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final ConfigType<T> type;
  private final String doc;
  private final boolean required;
  private final T defaultValue; // null when there is no fixed default
  private final String defaultDoc; // null unless the default is computed

  private ConfigKey(Builder<T> builder) {
    this.name = builder.name;
    this.type = builder.type;
    this.doc = requireNonNull(builder.doc, "doc is null for key " + builder.name);
    this.required = builder.required;
    this.defaultValue = builder.defaultValue;
    this.defaultDoc = builder.defaultDoc;
    if (required && (defaultValue != null || defaultDoc != null)) {
      throw new IllegalArgumentException("required key " + name + " cannot have a default");
    }
    if (defaultValue != null && defaultDoc != null) {
      throw new IllegalArgumentException("key " + name + " has both a default and a default doc");
    }
  }

  public static <T> Builder<T> builder(String name, ConfigType<T> type) {
    return new Builder<>(name, type);
  }

  public String name() {
    return name;
  }

  public ConfigType<T> type() {
    return type;
  }

  /** One line for the reference docs. */
  public String doc() {
    return doc;
  }

  public boolean required() {
    return required;
  }

  /** The value of an absent key, when it does not depend on anything else. */
  public Optional<T> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /**
   * The default as the reference docs show it: {@code `duckdb`}, a sentence for a default that is
   * computed ("the file name"), or an empty string when there is none.
   */
  public String defaultText() {
    if (defaultDoc != null) {
      return defaultDoc;
    }
    return jsonDefault().map(ConfigKey::code).orElse("");
  }

  /** The default as a JSON value, when there is a fixed one. */
  public Optional<Object> jsonDefault() {
    return defaultValue().map(type::toJson).map(ConfigKey::plainNumber);
  }

  /** The key's JSON Schema: its type's, with a description and the default. */
  ObjectNode jsonSchema(JsonNodeFactory json) {
    ObjectNode schema = json.objectNode();
    schema.put("description", doc);
    schema.setAll(type.jsonSchema(json));
    jsonDefault().ifPresent(value -> schema.set("default", JSON.valueToTree(value)));
    return schema;
  }

  private static Object plainNumber(Object value) {
    if (value instanceof Double number && number == Math.rint(number)) {
      return number.longValue();
    }
    return value;
  }

  private static String code(Object value) {
    if (value instanceof String text && !text.isEmpty()) {
      return "`" + text + "`";
    }
    try {
      return "`" + JSON.writeValueAsString(value) + "`";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write default " + value, e);
    }
  }

  @Override
  public String toString() {
    return name;
  }

  /** Builds a {@link ConfigKey}. */
  public static final class Builder<T> {
    private final String name;
    private final ConfigType<T> type;
    private String doc;
    private boolean required;
    private T defaultValue;
    private String defaultDoc;

    private Builder(String name, ConfigType<T> type) {
      this.name = requireNonNull(name, "name is null");
      this.type = requireNonNull(type, "type is null");
    }

    /** One line for the reference docs; required. */
    public Builder<T> doc(String doc) {
      this.doc = requireNonNull(doc, "doc is null");
      return this;
    }

    public Builder<T> required() {
      this.required = true;
      return this;
    }

    public Builder<T> defaultValue(T defaultValue) {
      this.defaultValue = requireNonNull(defaultValue, "defaultValue is null");
      return this;
    }

    /** Describes a default that the loader computes, e.g. "the file name". */
    public Builder<T> defaultDoc(String defaultDoc) {
      this.defaultDoc = requireNonNull(defaultDoc, "defaultDoc is null");
      return this;
    }

    public ConfigKey<T> build() {
      return new ConfigKey<>(this);
    }
  }
}
