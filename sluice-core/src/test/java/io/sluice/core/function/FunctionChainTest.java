package io.sluice.core.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.SluiceException;
import io.sluice.api.source.RecordTransform;
import io.sluice.core.project.FunctionDef;
import io.sluice.core.project.Location;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in record functions and how a chain reports what became of a record. */
class FunctionChainTest {
  @TempDir Path project;
  private FunctionCatalog catalog;

  @BeforeEach
  void load() {
    catalog = FunctionCatalog.load(project);
  }

  @AfterEach
  void close() {
    catalog.close();
  }

  private RecordTransform.Result apply(String json, FunctionDef... functions) {
    try (FunctionChain chain = catalog.chain("signups", List.of(functions))) {
      return chain.apply(json);
    }
  }

  private static FunctionDef function(String name, Map<String, Object> options) {
    return new FunctionDef(name, options, Location.of(Path.of("sources/signups.yaml")));
  }

  @Test
  void projectWithoutJarsHasTheBuiltInFunctions() {
    assertThat(catalog.names()).containsExactly("drop-when", "hash", "mask", "redact");
  }

  @Test
  void maskKeepsTheLastCharactersAndLeavesMissingFieldsAlone() {
    RecordTransform.Result result =
        apply(
            "{\"card\":{\"number\":\"4111111111111111\"},\"phone\":null,\"n\":12345}",
            function(
                "mask",
                Map.of(
                    "fields", List.of("card.number", "phone", "n", "absent.x"), "keep-last", 4)));
    assertThat(result)
        .isEqualTo(
            new RecordTransform.Keep(
                "{\"card\":{\"number\":\"************1111\"},\"phone\":null,\"n\":\"*2345\"}"));
  }

  @Test
  void numbersKeepTheirWrittenScaleThroughAChain() {
    RecordTransform.Result result =
        apply(
            "{\"amount\":12.50,\"big\":123456789012345678901234567890,\"e\":1e2,\"ok\":true}",
            function("redact", Map.of("fields", List.of("nothing"))));
    assertThat(result)
        .isEqualTo(
            new RecordTransform.Keep(
                "{\"amount\":12.50,\"big\":123456789012345678901234567890,\"e\":100,\"ok\":true}"));
  }

  @Test
  void redactRemovesOrReplacesFields() {
    assertThat(
            apply(
                "{\"a\":1,\"ssn\":\"123-45-6789\",\"b\":{\"c\":2}}",
                function("redact", Map.of("fields", List.of("ssn", "b.c")))))
        .isEqualTo(new RecordTransform.Keep("{\"a\":1,\"b\":{}}"));
    assertThat(
            apply(
                "{\"ssn\":\"123-45-6789\"}",
                function("redact", Map.of("fields", "ssn", "replacement", "[redacted]"))))
        .isEqualTo(new RecordTransform.Keep("{\"ssn\":\"[redacted]\"}"));
  }

  @Test
  void hashIsStableSha256OfTheText() {
    // sha256("alice@example.com")
    assertThat(
            apply("{\"email\":\"alice@example.com\"}", function("hash", Map.of("fields", "email"))))
        .isEqualTo(
            new RecordTransform.Keep(
                "{\"email\":\"ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976\"}"));
  }

  @Test
  void dropWhenQuarantinesWithTheReason() {
    FunctionDef bots =
        function(
            "drop-when",
            Map.of(
                "field",
                "agent.kind",
                "values",
                List.of("bot", "crawler"),
                "reason",
                "bot traffic"));
    assertThat(apply("{\"agent\":{\"kind\":\"bot\"}}", bots))
        .isEqualTo(
            new RecordTransform.Reject("dropped", "dropped by function 'drop-when': bot traffic"));
    assertThat(apply("{\"agent\":{\"kind\":\"human\"}}", bots))
        .isEqualTo(new RecordTransform.Keep("{\"agent\":{\"kind\":\"human\"}}"));
    assertThat(apply("{}", function("drop-when", Map.of("field", "id", "missing", true))))
        .isEqualTo(
            new RecordTransform.Reject(
                "dropped", "dropped by function 'drop-when': field 'id' is missing"));
  }

  @Test
  void aFunctionThatFailsOnARecordRejectsItWithTheMessage() {
    assertThat(apply("{\"card\":{\"n\":1}}", function("mask", Map.of("fields", "card"))))
        .isEqualTo(
            new RecordTransform.Reject(
                "function",
                "function 'mask' failed: IllegalArgumentException: field 'card' is an object; mask"
                    + " applies to text, numbers and booleans"));
  }

  @Test
  void unknownFunctionIsAUserErrorWithASuggestion() {
    assertThatThrownBy(() -> apply("{}", function("maks", Map.of("fields", "a"))))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining(
            "source 'signups' uses the record function 'maks', which does not exist")
        .hasMessageContaining("did you mean 'mask'?")
        .hasMessageContaining("available: drop-when, hash, mask, redact");
  }

  @Test
  void badOptionsNameTheFunctionSourceAndOption() {
    assertThatThrownBy(() -> apply("{}", function("mask", Map.of("feilds", "a"))))
        .hasMessage(
            "Function 'mask' of source 'signups': unknown option 'feilds' (did you mean 'fields'?);"
                + " options: [char, fields, keep-last]");
    assertThatThrownBy(() -> apply("{}", function("mask", Map.of("fields", "a", "keep-last", -1))))
        .hasMessageContaining("option 'keep-last' must be a whole number >= 0, found -1");
    assertThatThrownBy(() -> apply("{}", function("drop-when", Map.of("field", "a"))))
        .hasMessageContaining("give exactly one of 'values' (a list) or 'missing: true'");
    assertThatThrownBy(
            () ->
                apply(
                    "{}",
                    function("hash", Map.of("fields", "a", "salt-env", "SLUICE_NO_SUCH_VAR"))))
        .hasMessageContaining(
            "names the environment variable 'SLUICE_NO_SUCH_VAR', which is not set");
  }
}
