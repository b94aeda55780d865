package io.sluice.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void theExampleProjectOfTheDocsLoads(@TempDir Path directory) throws IOException {
    for (Map.Entry<String, String> file : ReferenceDocs.EXAMPLE.entrySet()) {
      Path path = directory.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
    }

    Project project = ProjectLoader.load(directory);

    assertThat(project.sources()).extracting(s -> s.name()).containsExactly("orders");
    assertThat(project.models())
        .extracting(m -> m.name())
        .containsExactly("daily_revenue", "top_days");
    assertThat(project.modelTests()).hasSize(4);
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
