package io.sluice.engine.duckdb;

import io.sluice.api.engine.Engine;
import io.sluice.api.engine.EngineContext;
import io.sluice.core.testing.EngineContractTest;
import java.nio.file.Path;
import java.util.Map;

class DuckDbEngineContractTest extends EngineContractTest {
  @Override
  protected Engine createEngine(Path stateDirectory) {
    return new DuckDbEngineFactory()
        .create(
            new EngineContext(
                stateDirectory,
                stateDirectory.resolve("warehouse.duckdb").toString(),
                Map.of("threads", "2"),
                false));
  }
}
