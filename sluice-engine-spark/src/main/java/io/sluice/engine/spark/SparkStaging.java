package io.sluice.engine.spark;

import io.sluice.api.SluiceException;
import io.sluice.api.engine.IngestRequest;
import io.sluice.api.engine.SourceInput;
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.RecordSink;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The staging relation of a batch, as the DuckDB engine stages it: {@code _split} (index of the
 * split), {@code _line}, {@code _record}, {@code _malformed} (why the record could not be parsed),
 * {@code _reject_rule} and one text column {@code s$<field>} per field.
 */
final class SparkStaging {
  private SparkStaging() {}

  /**
   * The column that tells apart records of a split at one position (elements of a JSON array on one
   * line): a pushed record's order among its split's records, 0 for a line read natively (line
   * numbers are unique). With {@code _split} and {@code _line} it identifies a row of the batch.
   */
  static final String SEQUENCE = "_seq";

  /**
   * NDJSON byte ranges per core: more than one, so that files of unequal size still keep every core
   * busy to the end; within {@link #MIN_CHUNK} and {@link #MAX_CHUNK}.
   */
  private static final int CHUNKS_PER_CORE = 3;

  private static final long MIN_CHUNK = 4L << 20;
  private static final long MAX_CHUNK = 128L << 20;

  static StructType schema(List<String> fields) {
    List<StructField> columns = new ArrayList<>();
    columns.add(DataTypes.createStructField("_split", DataTypes.IntegerType, false));
    columns.add(DataTypes.createStructField("_line", DataTypes.LongType, false));
    columns.add(DataTypes.createStructField("_record", DataTypes.StringType, true));
    columns.add(DataTypes.createStructField("_malformed", DataTypes.StringType, true));
    columns.add(DataTypes.createStructField("_reject_rule", DataTypes.StringType, true));
    for (String field : fields) {
      columns.add(DataTypes.createStructField("s$" + field, DataTypes.StringType, true));
    }
    columns.add(DataTypes.createStructField(SEQUENCE, DataTypes.IntegerType, false));
    return DataTypes.createStructType(columns);
  }

  /**
   * Stages every split: NDJSON files are read by Spark in parallel, other splits are pushed by the
   * connector and collected in the driver (fine for what one batch of a pushed source holds; files
   * meant for scale are read natively).
   */
  static Staged stage(SparkSession spark, IngestRequest request) {
    StructType schema = schema(request.fields());
    List<Row> pushed = new ArrayList<>();
    List<NdjsonChunk> chunks = new ArrayList<>();
    List<SourceInput.SplitInput> splits = request.input().splits();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    for (int i = 0; i < splits.size(); i++) {
      SourceInput.SplitInput input = splits.get(i);
      if (readsNatively(input)) {
        NativeFormat format = input.nativeFormat().orElseThrow();
        format.requireOnly("spark", NDJSON_OPTIONS);
        String path = format.path(input.split());
        chunks.add(new NdjsonChunk(i, path, 0, length(conf, path), 0, format.firstPosition()));
      } else if (input.nativeFormat().filter(f -> f.format().equals("parquet")).isPresent()) {
        // The files connector only offers Parquet natively; Spark's own Parquet staging (with
        // DuckDB's _record text) is not built.
        throw SluiceException.user(
            "Source '%s': file '%s' is Parquet, which the Spark engine cannot read yet (it reads"
                + " NDJSON natively, CSV and JSON through the connector). Run this project on"
                + " the duckdb engine (--engine duckdb); see docs/engines.md",
            request.source(), input.split().key());
      } else {
        request
            .input()
            .reader()
            .accept(input.split(), new CollectingSink(pushed, i, request.fields().size()));
      }
    }
    Dataset<Row> staged = spark.createDataFrame(pushed, schema);
    if (!chunks.isEmpty()) {
      staged = staged.union(ndjson(spark, chunks, schema, request.fields()));
    }
    return new Staged(staged, chunks.stream().mapToLong(NdjsonChunk::end).sum());
  }

  /**
   * The staging relation of a batch (not computed yet: Spark reads when a job needs the rows).
   *
   * @param rows the staging rows
   * @param bytes the size of the files Spark reads itself
   */
  record Staged(Dataset<Row> rows, long bytes) {}

  /** The {@link NativeFormat} options this engine honours for {@code ndjson}. */
  private static final Set<String> NDJSON_OPTIONS =
      Set.of(NativeFormat.PATH, NativeFormat.FIRST_POSITION);

  private static boolean readsNatively(SourceInput.SplitInput input) {
    return input.nativeFormat().map(f -> f.format().equals("ndjson")).orElse(false);
  }

  private static long length(Configuration conf, String location) {
    Path path = new Path(location);
    try {
      return path.getFileSystem(conf).getFileStatus(path).getLen();
    } catch (IOException e) {
      throw SluiceException.external("Cannot read " + location, e);
    }
  }

  /**
   * Reads NDJSON files as the DuckDB engine does, in ranges of bytes read in parallel: lines split
   * at LF and numbered from their split's first position (1 unless {@link
   * NativeFormat#FIRST_POSITION} says otherwise; blank lines counted, then dropped), each parsed
   * once ({@link NdjsonLineParser}). A first, cheap job counts the LFs of every range but the last
   * of each file, so that each range knows the number of its first line.
   */
  private static Dataset<Row> ndjson(
      SparkSession spark, List<NdjsonChunk> files, StructType schema, List<String> fields) {
    long total = files.stream().mapToLong(NdjsonChunk::end).sum();
    long target =
        total / (CHUNKS_PER_CORE * Math.max(1, spark.sparkContext().defaultParallelism()));
    long size = Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, target));
    List<NdjsonChunk> chunks = new ArrayList<>();
    List<NdjsonChunk> counted = new ArrayList<>();
    for (NdjsonChunk file : files) {
      int pieces = (int) Math.max(1, (file.end() + size - 1) / size);
      for (int k = 0; k < pieces; k++) {
        NdjsonChunk chunk =
            new NdjsonChunk(
                file.split(),
                file.location(),
                file.end() * k / pieces,
                file.end() * (k + 1) / pieces,
                0,
                file.firstPosition());
        chunks.add(chunk);
        if (k < pieces - 1) {
          counted.add(chunk);
        }
      }
    }
    SerializableConfiguration conf =
        new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Long> newlines =
        counted.isEmpty()
            ? List.of()
            : context
                .parallelize(counted, counted.size())
                .map(chunk -> chunk.countNewlines(conf.value()))
                .collect();
    List<NdjsonChunk> numbered = new ArrayList<>();
    int next = 0;
    long before = 0;
    for (int i = 0; i < chunks.size(); i++) {
      NdjsonChunk chunk = chunks.get(i);
      if (i > 0 && chunks.get(i - 1).split() != chunk.split()) {
        before = 0;
      }
      numbered.add(chunk.withNewlinesBefore(before));
      if (next < counted.size() && counted.get(next) == chunk) {
        before += newlines.get(next++);
      }
    }
    JavaRDD<Row> rows =
        context
            .parallelize(numbered, numbered.size())
            .mapPartitions(it -> new ChunkRows(it.next(), fields, conf.value()));
    return spark.createDataFrame(rows, schema);
  }

  /**
   * A range of bytes of an NDJSON split.
   *
   * @param split the split's index in the batch
   * @param location the file
   * @param start the first byte
   * @param end the byte after the range
   * @param newlinesBefore the number of LFs in the file before {@code start}
   * @param firstPosition the position of the file's first line
   */
  record NdjsonChunk(
      int split, String location, long start, long end, long newlinesBefore, long firstPosition)
      implements Serializable {
    NdjsonChunk withNewlinesBefore(long count) {
      return new NdjsonChunk(split, location, start, end, count, firstPosition);
    }

    long countNewlines(Configuration conf) throws IOException {
      Path path = new Path(location);
      try (FSDataInputStream in = path.getFileSystem(conf).open(path)) {
        in.seek(start);
        return NdjsonLineReader.countNewlines(in, end - start);
      }
    }
  }

  /** The staging rows of one range: non-blank lines, each parsed once. */
  private static final class ChunkRows implements Iterator<Row> {
    private final NdjsonChunk chunk;
    private final int width;
    private final NdjsonLineParser parser;
    private final FSDataInputStream in;
    private final NdjsonLineReader lines;
    private Row next;
    private boolean done;

    ChunkRows(NdjsonChunk chunk, List<String> fields, Configuration conf) throws IOException {
      this.chunk = chunk;
      this.width = 6 + fields.size();
      this.parser = new NdjsonLineParser(fields);
      Path path = new Path(chunk.location());
      this.in = path.getFileSystem(conf).open(path);
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.addTaskCompletionListener((TaskCompletionListener) context -> close());
      }
      in.seek(chunk.start() == 0 ? 0 : chunk.start() - 1);
      this.lines = new NdjsonLineReader(in, chunk.start(), chunk.end(), chunk.newlinesBefore());
    }

    @Override
    public boolean hasNext() {
      if (next == null && !done) {
        try {
          while (lines.next()) {
            if (!lines.blank()) {
              next = row();
              return true;
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot read " + chunk.location(), e);
        }
        done = true;
        close();
      }
      return next != null;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row row = next;
      next = null;
      return row;
    }

    private Row row() {
      Object[] values = new Object[width];
      values[0] = chunk.split();
      values[1] = lines.number() - 1 + chunk.firstPosition();
      values[2] = new String(lines.bytes(), lines.offset(), lines.length(), StandardCharsets.UTF_8);
      values[3] = parser.parse(lines.bytes(), lines.offset(), lines.length(), values, 5);
      values[width - 1] = 0;
      return RowFactory.create(values);
    }

    private void close() {
      try {
        in.close();
      } catch (IOException e) {
        // Only read from: nothing is lost.
      }
    }
  }

  /** Collects one split's records as staging rows. */
  private static final class CollectingSink implements RecordSink {
    private final List<Row> rows;
    private final int split;
    private final int fieldCount;

    /** The next record's order among the split's records (positions may repeat: SEQUENCE). */
    private int ordinal;

    CollectingSink(List<Row> rows, int split, int fieldCount) {
      this.rows = rows;
      this.split = split;
      this.fieldCount = fieldCount;
    }

    @Override
    public void record(long position, String original, String[] values) {
      if (values.length != fieldCount) {
        throw SluiceException.internal(
            "A connector gave " + values.length + " values for " + fieldCount + " fields", null);
      }
      Object[] row = new Object[6 + fieldCount];
      row[0] = split;
      row[1] = position;
      row[2] = original;
      row[row.length - 1] = ordinal++;
      System.arraycopy(values, 0, row, 5, fieldCount);
      rows.add(RowFactory.create(row));
    }

    @Override
    public void malformed(long position, String original, String reason) {
      rejected(position, original, null, reason);
    }

    @Override
    public void rejected(long position, String original, String rule, String reason) {
      Object[] row = new Object[6 + fieldCount];
      row[0] = split;
      row[1] = position;
      row[2] = original;
      row[row.length - 1] = ordinal++;
      row[3] = reason;
      row[4] = rule;
      rows.add(RowFactory.create(row));
    }
  }
}
