package io.sluice.engine.spark;

import io.sluice.api.engine.Engine;
import io.sluice.api.engine.EngineContext;
import io.sluice.core.testing.EngineContractTest;
import java.nio.file.Path;
import java.util.Map;

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
}
