package io.sluice.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.Engine;
import io.sluice.api.engine.EngineContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbEngineOptionsTest {
  @TempDir Path dir;

  private Engine open(Map<String, String> options) {
    return new DuckDbEngineFactory()
        .create(new EngineContext(dir, dir.resolve("w.duckdb").toString(), options, false));
  }

  @Test
  void appliesMemoryLimitAndThreads() {
    try (Engine engine = open(Map.of("memory-limit", "512MB", "threads", "1"))) {
      assertThat(
              engine
                  .query("SELECT current_setting('memory_limit'), current_setting('threads')", 1)
                  .rows()
                  .get(0))
          .containsExactly("488.2 MiB", 1L);
    }
  }

  @Test
  void unknownOptionIsAUserErrorWithASuggestion() {
    assertThatThrownBy(() -> open(Map.of("memory-limt", "1GB")))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("Unknown DuckDB engine option 'memory-limt'")
        .hasMessageContaining("did you mean 'memory-limit'?");
  }

  @Test
  void threadsMustBeAWholeNumber() {
    assertThatThrownBy(() -> open(Map.of("threads", "two")))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("threads must be a whole number");
  }
}
