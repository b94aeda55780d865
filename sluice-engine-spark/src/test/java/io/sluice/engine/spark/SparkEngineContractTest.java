package io.sluice.engine.spark;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.Engine;
import io.sluice.api.engine.EngineContext;
import io.sluice.api.engine.IngestRequest;
import io.sluice.api.engine.SourceInput;
import io.sluice.api.engine.TableTarget;
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.Split;
import io.sluice.core.testing.EngineContractTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SparkEngineContractTest extends EngineContractTest {
  @Override
  protected Engine createEngine(Path stateDirectory) {
    return new SparkEngineFactory()
        .create(
            new EngineContext(
                stateDirectory,
                stateDirectory.resolve("warehouse").toString(),
                Map.of("master", "local[2]"),
                false));
  }

  @Override
  protected boolean supportsMerge() {
    return false;
  }

  @Test
  void aParquetSourceIsAClearUserErrorNotACrash() {
    Split split = new Split("data/orders.parquet", "p", "/nowhere/orders.parquet", 0);
    SourceInput input =
        new SourceInput(
            List.of(
                new SourceInput.SplitInput(
                    split, Optional.of(new NativeFormat("parquet", Map.of())))),
            (s, sink) -> {
              throw new AssertionError("a Parquet split must not be pushed");
            });
    IngestRequest request =
        new IngestRequest(
            "orders",
            "b-000001",
            List.of("id"),
            input,
            List.of(),
            List.of(),
            List.of(),
            new TableTarget(List.of(), List.of(), temp.resolve("raw")),
            new TableTarget(List.of(), List.of(), temp.resolve("clean")),
            new TableTarget(List.of(), List.of(), temp.resolve("quarantine")));

    assertThatThrownBy(() -> engine.ingest(request))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining(
            "Source 'orders': file 'data/orders.parquet' is Parquet, which the Spark engine cannot"
                + " read yet")
        .satisfies(
            e ->
                org.assertj.core.api.Assertions.assertThat(((SluiceException) e).category())
                    .isEqualTo(ErrorCategory.USER));
  }
}
