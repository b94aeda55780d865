package io.sluice.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.Engine;
import io.sluice.api.engine.EngineContext;
import io.sluice.api.engine.ModelRequest;
import io.sluice.api.engine.ModelRequest.Materialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark warehouse outlives the engine: what a closed engine built, a new one finds. */
class SparkWarehouseTest {
  @TempDir Path dir;

  private Engine open(Map<String, String> options, boolean readOnly) {
    return new SparkEngineFactory()
        .create(new EngineContext(dir, dir.resolve("warehouse").toString(), options, readOnly));
  }

  private static ModelRequest model(
      String name, String sql, Materialization materialization, boolean incremental) {
    return new ModelRequest(
        name, sql, materialization, List.of("k"), incremental, "model:" + name, "state " + sql);
  }

  @Test
  void aReopenedWarehouseHasItsModelsStateAndNoUnreferencedFolders() throws Exception {
    try (Engine engine = open(Map.of(), false)) {
      engine.materialize(model("t", "SELECT 1 AS k, 'a' AS v", Materialization.TABLE, false));
      engine.materialize(model("v", "SELECT k, upper(v) AS v FROM t", Materialization.VIEW, false));
      engine.materialize(model("i", "SELECT 1 AS k, 'a' AS v", Materialization.INCREMENTAL, false));
      engine.materialize(
          model(
              "i",
              "SELECT 1 AS k, 'b' AS v UNION ALL SELECT 2, 'c'",
              Materialization.INCREMENTAL,
              true));
    }
    try (Engine engine = open(Map.of(), true)) {
      assertThat(engine.query("SELECT k, v FROM v", 10).rows()).containsExactly(List.of(1, "A"));
      assertThat(engine.query("SELECT k, v FROM i ORDER BY k", 10).rows())
          .containsExactly(List.of(1, "b"), List.of(2, "c"));
      assertThat(engine.state("model:i"))
          .contains("state SELECT 1 AS k, 'b' AS v UNION ALL" + " SELECT 2, 'c'");
      assertThatThrownBy(
              () -> engine.materialize(model("x", "SELECT 1 AS k", Materialization.TABLE, false)))
          .isInstanceOf(SluiceException.class)
          .hasMessageContaining("reading only");
    }
    // The merge replaced i's first version: only the current folders of t and i remain.
    try (Stream<Path> versions = Files.list(dir.resolve("warehouse/tables/i"))) {
      assertThat(versions.count()).isEqualTo(1);
    }
  }

  @Test
  void unknownOptionIsAUserErrorWithASuggestion() {
    assertThatThrownBy(() -> open(Map.of("mastr", "local[1]"), false))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("Unknown Spark engine option 'mastr'")
        .hasMessageContaining("did you mean 'master'?");
  }

  @Test
  void aDuckDbWarehouseFileIsNotTakenForASparkWarehouse() throws Exception {
    Files.writeString(dir.resolve("warehouse"), "not a folder");
    assertThatThrownBy(() -> open(Map.of(), false))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("is a file");
  }
}
