package io.sluice.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferenceDocsTest {
  @Test
  void committedDocsAndSchemasAreWhatTheDefinitionsGenerate() throws IOException {
    Path root = ReferenceDocs.repositoryRoot(Path.of(""));
    if (Boolean.getBoolean(ReferenceDocs.REGENERATE_PROPERTY)) {
      ReferenceDocs.write(root);
    }
    for (Map.Entry<String, String> generated : ReferenceDocs.generate().entrySet()) {
      Path file = root.resolve(generated.getKey());
      String committed =
          Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(missing)";
      assertThat(committed)
          .as(
              "%s is out of date: run `%s` from the repository root to regenerate it",
              generated.getKey(), ReferenceDocs.REGENERATE)
          .isEqualTo(generated.getValue());
    }
  }

  @Test
  void everyObjectOfTheSchemasRejectsUnknownKeys() throws IOException {
    ObjectMapper json = new ObjectMapper();
    for (String schema : List.of(ReferenceDocs.PROJECT_SCHEMA, ReferenceDocs.SOURCE_SCHEMA)) {
      JsonNode root = json.readTree(ReferenceDocs.generate().get(schema));
      assertThat(root.get("$schema").asText())
          .isEqualTo("https://json-schema.org/draft/2020-12/schema");
      List<String> open = new ArrayList<>();
      collectOpenObjects(root, "", open);
      assertThat(open).as(schema).isEmpty();
    }
  }

  private static void collectOpenObjects(JsonNode node, String path, List<String> open) {
    if (node.isObject()) {
      if (node.has("properties") && !node.path("additionalProperties").isBoolean()) {
        open.add(path);
      }
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        collectOpenObjects(field.getValue(), path + "/" + field.getKey(), open);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectOpenObjects(node.get(i), path + "/" + i, open);
      }
    }
  }
}
