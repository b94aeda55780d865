package io.sluice.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example project of the reference docs loads with the installed connectors. */
class ReferenceDocsExampleTest {
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
}
