package io.sluice.config;

import static io.sluice.config.ConfigType.bool;
import static io.sluice.config.ConfigType.integer;
import static io.sluice.config.ConfigType.listOf;
import static io.sluice.config.ConfigType.oneOf;
import static io.sluice.config.ConfigType.section;
import static io.sluice.config.ConfigType.string;
import static io.sluice.config.ConfigType.tagged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Node;

/** The config-spec machinery on a small definition of its own. */
class ConfigDefTest {
  private static final ConfigKey<Integer> SIZE =
      ConfigKey.builder("size", integer(1)).doc("How big.").defaultValue(3).build();
  private static final ConfigDef INNER =
      ConfigDef.builder("inner", "A nested section.").add(SIZE).build();

  private static final ConfigKey<String> NAME =
      ConfigKey.builder("name", string()).doc("The name.").required().build();
  private static final ConfigKey<String> MODE =
      ConfigKey.builder("mode", oneOf("fast", "safe")).doc("How.").defaultValue("safe").build();
  private static final ConfigKey<Boolean> ON =
      ConfigKey.builder("on", bool()).doc("Whether.").defaultDoc("computed").build();
  private static final ConfigKey<ConfigValues> NESTED =
      ConfigKey.builder("nested", section(INNER)).doc("Inside.").build();
  private static final ConfigKey<List<String>> TAGS =
      ConfigKey.builder("tags", listOf(string())).doc("Labels.").defaultValue(List.of()).build();

  private static final ConfigKey<String> PATTERN =
      ConfigKey.builder("pattern", string()).doc("A pattern.").required().build();
  private static final ConfigDef MATCH =
      ConfigDef.builder("match", "Matches.").add(PATTERN).build();
  private static final ConfigDef EMPTY = ConfigDef.builder("present", "Is there.").build();
  private static final ConfigKey<List<TaggedValue>> RULES =
      ConfigKey.builder(
              "rules",
              listOf(
                  tagged(
                      "rule",
                      new Variant("present", EMPTY.doc(), EMPTY, Optional.empty(), true),
                      Variant.withArguments("match", MATCH.doc(), MATCH, "pattern"))))
          .doc("Rules.")
          .defaultValue(List.of())
          .build();

  private static final ConfigDef DEF =
      ConfigDef.builder("thing", "A thing.").add(NAME, MODE, ON, NESTED, TAGS, RULES).build();

  private final List<String> problems = new ArrayList<>();

  private ConfigValues parse(String yaml) {
    Node node = new Yaml().compose(new StringReader(yaml));
    return DEF.parse(
            node,
            (at, message) ->
                problems.add(YamlNodes.line(at) + ":" + YamlNodes.column(at) + ": " + message))
        .orElseThrow();
  }

  @Test
  void readsWrittenValuesAndFallsBackToDefaults() {
    ConfigValues values = parse("name: a\ntags: [x, y]\n");

    assertThat(problems).isEmpty();
    assertThat(values.get(NAME)).isEqualTo("a");
    assertThat(values.get(MODE)).isEqualTo("safe");
    assertThat(values.find(MODE)).isEmpty();
    assertThat(values.find(ON)).isEmpty();
    assertThat(values.get(TAGS)).containsExactly("x", "y");
    assertThat(values.get(NESTED).get(SIZE)).isEqualTo(3);
    assertThat(values.isSet(NESTED)).isFalse();
  }

  @Test
  void refusesToInventAValueForAKeyWithoutDefault() {
    ConfigValues values = parse("name: a\n");

    assertThatThrownBy(() -> values.get(ON))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no value for on in thing; use find()");
  }

  @Test
  void refusesAKeyOfAnotherDefinition() {
    ConfigValues values = parse("name: a\n");

    assertThatThrownBy(() -> values.get(SIZE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size is not a key of thing");
  }

  @Test
  void reportsEveryProblemOfAMappingAndCarriesOn() {
    ConfigValues values =
        parse(
            """
            mdoe: fast
            mode: slow
            on: maybe
            nested: {size: 0, colour: red}
            tags: [ok, [no], fine]
            mode: fast
            """);

    assertThat(problems)
        .containsExactly(
            "6:1: duplicate key 'mode' in thing (first set at line 2)",
            "1:1: unknown key 'mdoe' in thing (did you mean 'mode'?)",
            "2:7: mode: expected one of fast, safe, found 'slow'",
            "3:5: on: expected a boolean, found 'maybe'",
            "4:16: size: expected an integer ≥ 1, found '0'",
            "4:19: unknown key 'colour' in inner",
            "5:12: tags: expected a string, found a list",
            "1:1: missing required key 'name' in thing");
    assertThat(values.get(TAGS)).containsExactly("ok", "fine");
  }

  @Test
  void readsTaggedItemsInEveryForm() {
    ConfigValues values =
        parse(
            """
            name: a
            rules:
              - present
              - match: "^a"
              - match: {pattern: "^b"}
              - {present: {}}
            """);

    assertThat(problems).isEmpty();
    assertThat(values.get(RULES))
        .extracting(TaggedValue::name)
        .containsExactly("present", "match", "match", "present");
    assertThat(values.get(RULES).get(1).arguments().get(PATTERN)).isEqualTo("^a");
    assertThat(values.get(RULES).get(2).arguments().get(PATTERN)).isEqualTo("^b");
  }

  @Test
  void reportsBadTaggedItems() {
    parse(
        """
        name: a
        rules:
          - presnt
          - match
          - {match: x, present: {}}
          - match: {patern: x}
          - [present]
        """);

    assertThat(problems)
        .containsExactly(
            "3:5: unknown rule 'presnt' (did you mean 'present'?); expected one of present, match",
            "4:5: rule 'match' needs arguments: write it as 'match: ...'",
            "5:5: rules: expected one rule per item, found a mapping with keys match, present",
            "6:13: unknown key 'patern' in match (did you mean 'pattern'?)",
            "6:12: missing required key 'pattern' in match",
            "7:5: rules: expected a rule name or a mapping, found a list");
  }

  @Test
  void reportsADocumentThatIsNotAMapping() {
    Node node = new Yaml().compose(new StringReader("- a\n- b\n"));

    assertThat(DEF.parse(node, (at, message) -> problems.add(message))).isEmpty();
    assertThat(problems).containsExactly("expected a mapping of thing keys, found a list");
  }

  @Test
  void documentsDefaults() {
    assertThat(NAME.defaultText()).isEmpty();
    assertThat(MODE.defaultText()).isEqualTo("`safe`");
    assertThat(ON.defaultText()).isEqualTo("computed");
    assertThat(TAGS.defaultText()).isEqualTo("`[]`");
    assertThat(MODE.type().displayName()).isEqualTo("`fast` or `safe`");
    assertThat(TAGS.type().displayName()).isEqualTo("list of string");
  }

  @Test
  void describesItselfAsAStrictJsonSchema() {
    assertThat(INNER.jsonSchema(JsonNodeFactory.instance).toString())
        .isEqualTo(
            "{\"type\":\"object\",\"description\":\"A nested section.\",\"properties\":{\"size\":"
                + "{\"description\":\"How big.\",\"type\":\"integer\",\"minimum\":1,\"default\":3}},"
                + "\"additionalProperties\":false}");
    assertThat(MATCH.jsonSchema(JsonNodeFactory.instance).get("required").toString())
        .isEqualTo("[\"pattern\"]");
  }

  @Test
  void rejectsAKeyDefinedTwice() {
    assertThatThrownBy(() -> ConfigDef.builder("twice", "Twice.").add(NAME, NAME).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key name defined twice in twice");
  }

  @Test
  void rejectsARequiredKeyWithADefault() {
    assertThatThrownBy(
            () -> ConfigKey.builder("k", string()).doc("K.").required().defaultValue("v").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("required key k cannot have a default");
  }

  @Test
  void keepsRawValuesAsYamlGivesThem() {
    ConfigValues values = parse("name: 12\ntags: [1, true, x]\n");

    assertThat(values.get(NAME)).isEqualTo("12");
    assertThat(values.rawValue(NAME)).contains(12);
    assertThat(values.rawValue(TAGS)).contains(List.of(1, true, "x"));
    assertThat(values.rawValue(MODE)).isEmpty();
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("a", 1.5);
    expected.put("b", null);
    expected.put("c", "2024-01-01");
    assertThat(
            YamlNodes.toJava(new Yaml().compose(new StringReader("{a: 1.5, b: ~, c: 2024-01-01}"))))
        .isEqualTo(expected);
  }
}
