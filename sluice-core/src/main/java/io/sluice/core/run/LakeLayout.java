package io.sluice.core.run;

import io.sluice.api.lake.PartitionField;
import io.sluice.api.lake.TableId;
import io.sluice.api.lake.TableSpec;
import io.sluice.api.type.Column;
import io.sluice.api.type.DataType;
import io.sluice.core.project.ColumnDef;
import io.sluice.core.project.SourceDef;
import java.util.ArrayList;
import java.util.List;

/**
 * The lake tables of a source: {@code raw.<source>} (records verbatim, with file and line), {@code
 * clean.<source>} (mapped rows that passed every rule) and {@code quarantine.<source>} (every other
 * row, with its reasons). Also the SQL schemas under which the warehouse sees them.
 */
public final class LakeLayout {
  public static final String RAW = "raw";
  public static final String CLEAN = "clean";
  public static final String QUARANTINE = "quarantine";

  /** The SQL schema in the warehouse for clean tables, as models see them. */
  public static final String LAKE_SCHEMA = "lake";

  private LakeLayout() {}

  /**
   * The column of raw that says what a change of a source with a primary key did: {@code upsert} or
   * {@code delete} (NULL for input that could not be parsed).
   */
  public static final String OPERATION = "_op";

  /**
   * Every record exactly as read, malformed ones included: what a replay starts from. For a source
   * with a primary key, also each change's {@link #OPERATION}.
   */
  public static TableSpec raw(SourceDef source) {
    List<Column> columns = new ArrayList<>(metadata());
    columns.add(new Column("_record", DataType.STRING));
    if (source.merges()) {
      columns.add(new Column(OPERATION, DataType.STRING));
    }
    return new TableSpec(new TableId(RAW, source.name()), columns, List.of());
  }

  /** Mapped rows that passed every rule, partitioned by event time and the partition columns. */
  public static TableSpec clean(SourceDef source) {
    List<Column> columns = new ArrayList<>();
    for (ColumnDef column : source.columns()) {
      columns.add(new Column(column.name(), column.type()));
    }
    columns.addAll(metadata());
    List<PartitionField> partitioning = new ArrayList<>();
    source
        .eventTime()
        .ifPresent(
            eventTime ->
                partitioning.add(
                    new PartitionField(
                        eventTime,
                        source.granularity() == SourceDef.Granularity.HOUR
                            ? PartitionField.Transform.HOUR
                            : PartitionField.Transform.DAY)));
    for (String column : source.partitionColumns()) {
      partitioning.add(new PartitionField(column, PartitionField.Transform.IDENTITY));
    }
    return new TableSpec(new TableId(CLEAN, source.name()), columns, partitioning);
  }

  /** Every row that failed a rule of severity fail, with its reasons. */
  public static TableSpec quarantine(SourceDef source) {
    List<Column> columns = new ArrayList<>(metadata());
    columns.add(new Column("_record", DataType.STRING));
    columns.add(new Column("_rules", DataType.STRING));
    columns.add(new Column("_errors", DataType.STRING));
    return new TableSpec(new TableId(QUARANTINE, source.name()), columns, List.of());
  }

  private static List<Column> metadata() {
    return List.of(
        new Column("_batch", DataType.STRING),
        new Column("_file", DataType.STRING),
        new Column("_line", DataType.BIGINT));
  }
}
