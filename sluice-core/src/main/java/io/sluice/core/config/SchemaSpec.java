package io.sluice.core.config;

import static io.sluice.config.ConfigType.identifier;
import static io.sluice.config.ConfigType.integer;
import static io.sluice.config.ConfigType.listOf;
import static io.sluice.config.ConfigType.nonEmptyListOf;
import static io.sluice.config.ConfigType.oneOf;
import static io.sluice.config.ConfigType.scalarText;
import static io.sluice.config.ConfigType.section;
import static io.sluice.config.ConfigType.string;
import static io.sluice.config.ConfigType.tagged;

import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigType;
import io.sluice.config.ConfigValues;
import io.sluice.config.TaggedValue;
import io.sluice.config.Variant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The keys of {@code models/schema.yml}, dbt's format for describing and testing models. */
public final class SchemaSpec {
  private SchemaSpec() {}

  /** {@code ref('x')}, {@code source('x')} or {@code source('any', 'x')}. */
  private static final Pattern REFERENCE =
      Pattern.compile(
          "\\s*(ref|source)\\s*\\(\\s*(['\"])([^'\"]*)\\2\\s*(?:,\\s*(['\"])([^'\"]*)\\4\\s*)?\\)\\s*");

  /**
   * A relationship target as written in dbt.
   *
   * @param function {@code ref} or {@code source}
   * @param name the model or source name
   */
  public record Reference(String function, String name) {}

  /** Parses {@code ref('x')}, {@code source('x')} or {@code source('any', 'x')}. */
  public static Optional<Reference> parseReference(String text) {
    Matcher matcher = REFERENCE.matcher(text);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    String function = matcher.group(1);
    if (matcher.group(5) == null) {
      return Optional.of(new Reference(function, matcher.group(3)));
    }
    return function.equals("source")
        ? Optional.of(new Reference(function, matcher.group(5)))
        : Optional.empty();
  }

  public static final ConfigKey<String> TEST_SEVERITY =
      ConfigKey.builder("severity", oneOf("error", "warn"))
          .doc(
              "What a failing test does: `error` fails the run and `sluice test` (exit 1);"
                  + " `warn` reports it and the run goes on.")
          .defaultValue("error")
          .build();
  public static final ConfigDef TEST_CONFIG_DEF =
      ConfigDef.builder("test config", "dbt's per-test configuration.").add(TEST_SEVERITY).build();
  public static final ConfigKey<ConfigValues> TEST_CONFIG =
      ConfigKey.builder("config", section(TEST_CONFIG_DEF))
          .doc("The test's configuration, as in dbt: `config: {severity: warn}`.")
          .build();

  public static final ConfigDef NOT_NULL_DEF =
      ConfigDef.builder("not_null", "The column has no NULL.").add(TEST_CONFIG).build();
  public static final ConfigDef UNIQUE_DEF =
      ConfigDef.builder("unique", "No two rows have the same value.").add(TEST_CONFIG).build();
  public static final ConfigKey<List<String>> ACCEPTED_VALUES_VALUES =
      ConfigKey.builder("values", nonEmptyListOf(scalarText("string", "number", "boolean")))
          .doc("The accepted values.")
          .required()
          .build();
  public static final ConfigDef ACCEPTED_VALUES_DEF =
      ConfigDef.builder("accepted_values", "Every value is one of a list.")
          .add(ACCEPTED_VALUES_VALUES, TEST_CONFIG)
          .build();
  public static final ConfigKey<String> RELATIONSHIPS_TO =
      ConfigKey.builder("to", reference())
          .doc("The model or source referenced: `ref('model')` or `source('name')`.")
          .required()
          .build();
  public static final ConfigKey<String> RELATIONSHIPS_FIELD =
      ConfigKey.builder("field", identifier()).doc("The referenced column.").required().build();
  public static final ConfigDef RELATIONSHIPS_DEF =
      ConfigDef.builder(
              "relationships", "Every value exists in a column of another model or source.")
          .add(RELATIONSHIPS_TO, RELATIONSHIPS_FIELD, TEST_CONFIG)
          .build();

  /** The tests a model column can have. */
  public static final ConfigType<TaggedValue> TEST =
      tagged(
          "test",
          new Variant("not_null", NOT_NULL_DEF.doc(), NOT_NULL_DEF, Optional.empty(), true),
          new Variant("unique", UNIQUE_DEF.doc(), UNIQUE_DEF, Optional.empty(), true),
          Variant.withArguments(
              "accepted_values", ACCEPTED_VALUES_DEF.doc(), ACCEPTED_VALUES_DEF, null),
          Variant.withArguments("relationships", RELATIONSHIPS_DEF.doc(), RELATIONSHIPS_DEF, null));

  public static final ConfigKey<String> COLUMN_NAME =
      ConfigKey.builder("name", identifier()).doc("Column name.").required().build();
  public static final ConfigKey<String> COLUMN_DESCRIPTION =
      ConfigKey.builder("description", string()).doc("Free text.").defaultValue("").build();
  public static final ConfigKey<List<TaggedValue>> COLUMN_TESTS =
      ConfigKey.builder("tests", listOf(TEST))
          .doc("Tests on the column, run by `sluice test`.")
          .defaultValue(List.of())
          .build();
  public static final ConfigKey<List<TaggedValue>> COLUMN_DATA_TESTS =
      ConfigKey.builder("data_tests", listOf(TEST))
          .doc("Another name for `tests` (dbt 1.8); use one of the two.")
          .defaultValue(List.of())
          .build();
  public static final ConfigDef COLUMN_DEF =
      ConfigDef.builder("column", "A column of a model.")
          .labelKey("name")
          .add(COLUMN_NAME, COLUMN_DESCRIPTION, COLUMN_TESTS, COLUMN_DATA_TESTS)
          .build();

  public static final ConfigKey<String> MODEL_NAME =
      ConfigKey.builder("name", identifier())
          .doc("Model name: a file `models/NAME.sql`.")
          .required()
          .build();
  public static final ConfigKey<String> MODEL_DESCRIPTION =
      ConfigKey.builder("description", string()).doc("Free text.").defaultValue("").build();
  public static final ConfigKey<List<ConfigValues>> MODEL_COLUMNS =
      ConfigKey.builder("columns", listOf(section(COLUMN_DEF)))
          .doc("Columns to describe and test.")
          .defaultValue(List.of())
          .build();
  public static final ConfigDef MODEL_DEF =
      ConfigDef.builder("model", "Description and tests of one model.")
          .labelKey("name")
          .add(MODEL_NAME, MODEL_DESCRIPTION, MODEL_COLUMNS)
          .build();

  public static final ConfigKey<Integer> VERSION =
      ConfigKey.builder("version", integer(0).withCheck(SchemaSpec::checkVersion))
          .doc("dbt's schema file version; only 2.")
          .defaultValue(2)
          .build();
  public static final ConfigKey<List<ConfigValues>> MODELS =
      ConfigKey.builder("models", listOf(section(MODEL_DEF)))
          .doc("Models described.")
          .defaultValue(List.of())
          .build();

  /** The whole of {@code models/schema.yml}. */
  public static final ConfigDef SCHEMA_DEF =
      ConfigDef.builder("schema.yml", "Descriptions and column tests of models, in dbt's format.")
          .add(VERSION, MODELS)
          .build();

  private static Optional<String> checkVersion(int version) {
    return version == 2
        ? Optional.empty()
        : Optional.of("version: only version 2 is supported, found " + version);
  }

  private static ConfigType<String> reference() {
    return string()
        .withCheck(
            text ->
                parseReference(text).isPresent()
                    ? Optional.empty()
                    : Optional.of(
                        "to: expected ref('model') or source('name'), found '" + text + "'"));
  }
}
