package io.sluice.engine.spark;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;

/** Reads what a written Parquet file holds from its footer. */
final class ParquetFooters {
  private ParquetFooters() {}

  static long recordCount(Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      return reader.getRecordCount();
    }
  }
}
