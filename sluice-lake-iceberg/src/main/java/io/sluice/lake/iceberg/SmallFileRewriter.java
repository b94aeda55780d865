package io.sluice.lake.iceberg;

import io.sluice.api.SluiceException;
import io.sluice.api.lake.TableId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.parquet.schema.MessageType;

/**
 * Plans and writes the rewrite of small files, partition by partition. Rows are read and written
 * with Iceberg's generic Parquet reader and writer, projected by field id, so values and field ids
 * are kept exactly.
 */
final class SmallFileRewriter {
  /** The small files of one partition and the files that replace them. */
  record Group(List<DataFile> removed, List<DataFile> added) {}

  private final TableId id;
  private final Table table;

  SmallFileRewriter(TableId id, Table table) {
    this.id = id;
    this.table = table;
  }

  /** Small files of the current snapshot per partition, only partitions with enough of them. */
  List<List<DataFile>> plan(long targetFileSizeBytes, int minFilesPerPartition) {
    Map<String, List<DataFile>> byPartition = new LinkedHashMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        if (file.fileSizeInBytes() >= targetFileSizeBytes) {
          continue;
        }
        PartitionSpec spec = table.specs().get(file.specId());
        String key = file.specId() + "/" + spec.partitionToPath(file.partition());
        byPartition.computeIfAbsent(key, k -> new ArrayList<>()).add(file.copy());
      }
    } catch (IOException e) {
      throw SluiceException.external(
          "Cannot read the manifests of table %s: %s".formatted(id, e.getMessage()), e);
    }
    List<List<DataFile>> groups = new ArrayList<>();
    for (List<DataFile> files : byPartition.values()) {
      if (files.size() >= minFilesPerPartition) {
        groups.add(List.copyOf(files));
      }
    }
    return groups;
  }

  /**
   * Writes the rows of {@code files} (all of one partition) into new files in {@code directory};
   * {@code written} receives each new file as soon as it exists so that a caller can delete them.
   */
  List<DataFile> rewrite(
      List<DataFile> files, long targetFileSizeBytes, Path directory, List<String> written)
      throws IOException {
    Schema schema = table.schema();
    PartitionSpec spec = table.specs().get(files.get(0).specId());
    List<DataFile> added = new ArrayList<>();
    DataWriter<Record> writer = null;
    try {
      for (DataFile file : files) {
        try (CloseableIterable<Record> rows =
            Parquet.read(table.io().newInputFile(file.location()))
                .project(schema)
                .createReaderFunc(
                    (Schema expected, MessageType fileSchema) ->
                        GenericParquetReaders.buildReader(expected, fileSchema))
                .build()) {
          for (Record row : rows) {
            if (writer == null) {
              String location = directory.resolve(UUID.randomUUID() + ".parquet").toString();
              written.add(location);
              writer =
                  Parquet.writeData(table.io().newOutputFile(location))
                      .forTable(table)
                      .schema(schema)
                      .withSpec(spec)
                      .withPartition(file.partition())
                      .createWriterFunc(
                          (Schema s, MessageType type) -> GenericParquetWriter.create(s, type))
                      .overwrite()
                      .build();
            }
            writer.write(row);
            if (writer.length() >= targetFileSizeBytes) {
              writer.close();
              added.add(writer.toDataFile());
              writer = null;
            }
          }
        }
      }
      if (writer != null) {
        writer.close();
        added.add(writer.toDataFile());
        writer = null;
      }
      return added;
    } finally {
      if (writer != null) {
        writer.close();
      }
    }
  }
}
