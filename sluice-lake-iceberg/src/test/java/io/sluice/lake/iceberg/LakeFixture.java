package io.sluice.lake.iceberg;

import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real Iceberg lake in a temporary state folder, and DuckDB to write its Parquet files. */
abstract class LakeFixture {
  @TempDir Path state;

  DuckDbParquet duckDb;
  Lake lake;

  @BeforeEach
  void open() throws Exception {
    duckDb = new DuckDbParquet();
    lake = openLake();
  }

  @AfterEach
  void close() throws Exception {
    lake.close();
    duckDb.close();
  }

  /** Another handle on the same lake, as a second process would open it. */
  Lake openLake() {
    return new IcebergLakeFactory().create(new LakeContext(state, Map.of()));
  }
}
