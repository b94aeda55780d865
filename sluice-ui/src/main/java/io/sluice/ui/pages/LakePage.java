package io.sluice.ui.pages;

import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeColumn;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.PartitionField;
import io.sluice.api.lake.Snapshot;
import io.sluice.api.lake.TableId;
import io.sluice.config.Sizes;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.BatchHistory;
import io.sluice.core.run.LakeLayout;
import io.sluice.core.run.PipelineRunner;
import io.sluice.ui.Html;
import io.sluice.ui.Page;
import io.sluice.ui.PageException;
import io.sluice.ui.PageRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lake ({@code /ui/lake}): every table of every source (raw, clean, quarantine) with its
 * snapshots, data files, rows, size and compaction state, the models (which live in the warehouse,
 * not in the lake) and the maintenance settings; and one table ({@code /ui/lake/clean.orders}): its
 * columns and partitioning, its newest snapshots with what each committed, its current data files
 * summarized per partition, and its compaction state against {@code maintenance:} of sluice.yaml.
 *
 * <p>Reads the lake's metadata only (snapshot summaries and manifests, through the Lake SPI), never
 * a data file. Each request loads its own table handles (handles are not thread-safe; the lake is).
 */
public final class LakePage implements Page {
  /** Snapshots listed on a table's page, newest first. */
  static final int MAX_SNAPSHOTS = 50;

  /** Partitions listed on a table's page, newest value first. */
  static final int MAX_PARTITIONS = 100;

  /** Data files listed on a table's page, largest first. */
  static final int MAX_FILES = 50;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /** Per table, its compaction state at a snapshot; at most one entry per table of the lake. */
  private final Map<TableId, CachedCompaction> compactions = new ConcurrentHashMap<>();

  @Override
  public String path() {
    return "/ui/lake";
  }

  @Override
  public String title() {
    return "Lake";
  }

  @Override
  public void render(PageRequest request, Html html) {
    if (request.tail().isEmpty()) {
      renderTables(request, html);
    } else {
      renderTable(request, html, request.tail());
    }
  }

  // -----------------------------------------------------------------------------------------------
  // All tables

  private void renderTables(PageRequest request, Html html) {
    Project project = request.console().project();
    Lake lake = request.console().runtime().lake();
    Instant now = request.console().clock().instant();
    Project.MaintenanceConfig maintenance = project.maintenance();
    html.raw("<section>").element("h2", "Tables of the sources");
    html.raw(
        "<table id=\"lake-tables\"><thead><tr><th>table</th><th>source</th><th>holds</th>"
            + "<th class=\"num\">snapshots</th><th class=\"num\">data files</th>"
            + "<th class=\"num\">rows</th><th class=\"num\">size</th><th>last commit</th>"
            + "<th>compaction</th></tr></thead><tbody>");
    for (SourceDef source : project.sources()) {
      for (String namespace : List.of(LakeLayout.RAW, LakeLayout.CLEAN, LakeLayout.QUARANTINE)) {
        TableId id = new TableId(namespace, source.name());
        Optional<LakeTable> loaded = lake.load(id);
        html.raw("<tr>")
            .raw("<td>")
            .element("a", Html.attribute("href", "/ui/lake/" + id), id)
            .raw("</td>")
            .element("td", source.name())
            .element("td", holds(namespace));
        if (loaded.isEmpty()) {
          html.raw("<td colspan=\"6\" class=\"hint\">not created yet: the source has not run</td>");
        } else {
          LakeTable table = loaded.get();
          List<Snapshot> snapshots = table.snapshots();
          Snapshot current = table.currentSnapshot().orElse(null);
          Compaction compaction = compaction(table, current, maintenance);
          html.element("td", "class=\"num\"", snapshots.size())
              .element("td", "class=\"num\"", compaction.files())
              .element("td", "class=\"num\"", compaction.rows())
              .element("td", "class=\"num\"", Sizes.format(compaction.bytes()))
              .element(
                  "td",
                  current == null
                      ? "never"
                      : Format.age(
                          Duration.between(Instant.ofEpochMilli(current.timestampMillis()), now)))
              .element(
                  "td",
                  compaction.due() > 0 ? "class=\"warn\"" : "",
                  compaction.due() > 0
                      ? compaction.due() + " partition(s) due"
                      : compaction.small() + " small file(s), none due");
        }
        html.raw("</tr>");
      }
    }
    html.raw("</tbody></table>");
    html.element(
        "p",
        "class=\"hint\"",
        "raw holds every record as read, clean the rows that passed every rule (the warehouse"
            + " reads it as lake.<source>), quarantine the others with their reasons.");
    html.raw("</section>");

    html.raw("<section>").element("h2", "Models (in the warehouse)");
    html.raw(
        "<table id=\"lake-models\"><thead><tr><th>model</th><th>materialized as</th>"
            + "<th>reads</th><th>description</th></tr></thead><tbody>");
    for (ModelDef model : project.models()) {
      List<String> inputs = new ArrayList<>();
      model.sources().forEach(source -> inputs.add(LakeLayout.LAKE_SCHEMA + "." + source));
      inputs.addAll(model.refs());
      html.raw("<tr><td>")
          .element("a", Html.attribute("href", "/ui/pipeline?model=" + model.name()), model.name())
          .raw("</td>")
          .element("td", model.materialization().name().toLowerCase(Locale.ROOT))
          .element("td", String.join(", ", inputs))
          .element("td", model.description())
          .raw("</tr>");
    }
    html.raw("</tbody></table>");
    html.raw("<p class=\"hint\">")
        .text(
            "Models are materialized in the warehouse ("
                + project.engine()
                + "), not in the lake; their column lineage is on the ")
        .raw("<a href=\"/ui/pipeline\">pipeline page</a>.</p></section>");

    html.raw("<section>").element("h2", "Maintenance settings (maintenance: in sluice.yaml)");
    html.table(
        "id=\"maintenance\"",
        List.of("setting", "value", "what it does"),
        List.of(
            List.of(
                "target-file-size-mb",
                maintenance.targetFileSizeMb(),
                "files smaller than this are small; compaction rewrites them into files of"
                    + " about this size"),
            List.of(
                "min-files",
                maintenance.minFiles(),
                "a partition is compacted once it holds this many small files"),
            List.of(
                "keep-snapshots",
                maintenance.keepSnapshots(),
                "expiry always keeps this many of the newest snapshots"),
            List.of(
                "snapshot-max-age",
                maintenance.snapshotMaxAge(),
                "expiry removes older snapshots than this"),
            List.of(
                "interval",
                maintenance.interval(),
                "how often sluice serve runs maintenance (sluice maintain runs it once)")));
    html.raw("</section>");
  }

  /**
   * The compaction state of {@code table} at {@code current}: reading the manifests costs a file
   * per snapshot that added files, and a snapshot never changes, so the state is kept per table
   * until the table's current snapshot (or the maintenance settings) change.
   */
  private Compaction compaction(
      LakeTable table, Snapshot current, Project.MaintenanceConfig maintenance) {
    long snapshotId = current == null ? -1 : current.id();
    CachedCompaction cached = compactions.get(table.id());
    if (cached != null
        && cached.snapshotId() == snapshotId
        && cached.settings().equals(maintenance)) {
      return cached.compaction();
    }
    Compaction compaction = Compaction.of(table.files(), maintenance);
    compactions.put(table.id(), new CachedCompaction(snapshotId, maintenance, compaction));
    return compaction;
  }

  private record CachedCompaction(
      long snapshotId, Project.MaintenanceConfig settings, Compaction compaction) {}

  private static String holds(String namespace) {
    return switch (namespace) {
      case LakeLayout.RAW -> "records as read";
      case LakeLayout.CLEAN -> "valid rows";
      default -> "quarantined rows";
    };
  }

  // -----------------------------------------------------------------------------------------------
  // One table

  private void renderTable(PageRequest request, Html html, String name) {
    Project project = request.console().project();
    int dot = name.indexOf('.');
    if (dot <= 0 || dot == name.length() - 1) {
      throw PageException.notFound(
          "There is no lake table '" + name + "': tables are named like clean.<source>.");
    }
    TableId id = new TableId(name.substring(0, dot), name.substring(dot + 1));
    if (!List.of(LakeLayout.RAW, LakeLayout.CLEAN, LakeLayout.QUARANTINE).contains(id.namespace())
        || project.source(id.name()).isEmpty()) {
      throw PageException.notFound(
          "There is no lake table '"
              + name
              + "': the lake holds raw, clean and quarantine tables of"
              + " the sources ("
              + String.join(", ", project.sources().stream().map(SourceDef::name).toList())
              + ").");
    }
    Optional<LakeTable> loaded = request.console().runtime().lake().load(id);
    html.raw("<p><a href=\"/ui/lake\">← all tables</a> · ")
        .element(
            "a",
            Html.attribute("href", "/ui/quality?source=" + id.name()),
            "quality of " + id.name())
        .raw(" · ")
        .element("a", Html.attribute("href", "/ui/pipeline"), "pipeline");
    // The warehouse's view of the table: lake.<source> for clean, else namespace.<source>.
    String view =
        (id.namespace().equals(LakeLayout.CLEAN) ? LakeLayout.LAKE_SCHEMA : id.namespace())
            + "."
            + id.name();
    html.raw(" · ")
        .element(
            "a",
            Html.attribute("href", SqlPage.link("SELECT * FROM " + view + " LIMIT 100")),
            "query " + view);
    html.raw("</p>");
    html.element("h2", "id=\"table-name\"", id.toString());
    if (loaded.isEmpty()) {
      html.element(
          "p",
          "class=\"hint\"",
          "The table is not created yet: source " + id.name() + " has not run.");
      return;
    }
    LakeTable table = loaded.get();
    Project.MaintenanceConfig maintenance = project.maintenance();
    Instant now = request.console().clock().instant();
    List<Snapshot> snapshots = table.snapshots();
    List<DataFile> files = table.files();
    Compaction compaction = Compaction.of(files, maintenance);

    // Compaction state first: it is what a reader of this page came to check.
    html.raw("<section id=\"compaction\">").element("h2", "Compaction");
    html.element(
        "p",
        compaction.due() > 0 ? "class=\"warn\"" : "",
        compaction.due() > 0
            ? compaction.due()
                + " partition(s) hold at least "
                + maintenance.minFiles()
                + " files smaller than "
                + maintenance.targetFileSizeMb()
                + " MiB: the next maintenance (sluice maintain, or sluice serve every "
                + maintenance.interval()
                + ") compacts them."
            : "No partition is due: none holds "
                + maintenance.minFiles()
                + " or more files smaller than "
                + maintenance.targetFileSizeMb()
                + " MiB ("
                + compaction.small()
                + " small file(s) in all).");
    List<List<?>> facts = new ArrayList<>();
    facts.add(
        List.of("data files", compaction.files() + " (" + Sizes.format(compaction.bytes()) + ")"));
    facts.add(List.of("rows", compaction.rows()));
    facts.add(List.of("snapshots kept", snapshots.size()));
    if (!snapshots.isEmpty()) {
      Snapshot oldest = snapshots.get(0);
      facts.add(
          List.of(
              "oldest kept snapshot",
              "#"
                  + oldest.sequence()
                  + " of "
                  + time(oldest.timestampMillis())
                  + (oldest.sequence() > 1 ? " (older snapshots were expired)" : "")));
    }
    facts.add(List.of("last compaction", last(snapshots, "compaction", now)));
    facts.add(List.of("last expiry checkpoint", lastCheckpoint(snapshots, now)));
    html.table("id=\"table-facts\"", List.of("", ""), facts).raw("</section>");

    // Partitions and files.
    html.raw("<section id=\"files\">").element("h2", "Data files by partition");
    List<PartitionField> partitioning = table.partitioning();
    html.element(
        "p",
        "class=\"hint\"",
        partitioning.isEmpty()
            ? "The table is not partitioned."
            : "Partitioned by "
                + String.join(
                    ", ",
                    partitioning.stream()
                        .map(
                            field ->
                                field.transform() == PartitionField.Transform.IDENTITY
                                    ? field.column()
                                    : field.transform().name().toLowerCase(Locale.ROOT)
                                        + "("
                                        + field.column()
                                        + ")")
                        .toList())
                + ".");
    List<Compaction.Partition> partitions = new ArrayList<>(compaction.partitions().values());
    List<List<?>> partitionRows = new ArrayList<>();
    for (Compaction.Partition partition :
        partitions.subList(0, Math.min(MAX_PARTITIONS, partitions.size()))) {
      partitionRows.add(
          List.of(
              partition(partitioning, partition.values()),
              partition.files(),
              partition.small(),
              partition.rows(),
              Sizes.format(partition.bytes()),
              partition.small() >= maintenance.minFiles() ? "due" : ""));
    }
    html.table(
        "id=\"partitions\"",
        List.of("partition", "files", "small files", "rows", "size", "compaction"),
        partitionRows);
    if (partitions.size() > MAX_PARTITIONS) {
      html.element(
          "p",
          "class=\"hint\"",
          (partitions.size() - MAX_PARTITIONS) + " more partition(s) not listed (oldest ones).");
    }
    List<DataFile> largest = new ArrayList<>(files);
    largest.sort(Comparator.comparingLong(DataFile::sizeBytes).reversed());
    html.raw("<details><summary>")
        .text(
            files.size() <= MAX_FILES
                ? "The " + files.size() + " data file(s)"
                : "The " + MAX_FILES + " largest of " + files.size() + " data files")
        .raw("</summary>");
    List<List<?>> fileRows = new ArrayList<>();
    for (DataFile file : largest.subList(0, Math.min(MAX_FILES, largest.size()))) {
      fileRows.add(
          List.of(
              fileName(file.path()),
              partition(partitioning, file.partition()),
              file.recordCount(),
              Sizes.format(file.sizeBytes())));
    }
    html.table("id=\"data-files\"", List.of("file", "partition", "rows", "size"), fileRows)
        .raw("</details></section>");

    // Snapshots.
    html.raw("<section id=\"snapshots\">").element("h2", "Snapshots (newest first)");
    List<List<?>> snapshotRows = new ArrayList<>();
    for (int i = snapshots.size() - 1; i >= 0 && snapshotRows.size() < MAX_SNAPSHOTS; i--) {
      Snapshot snapshot = snapshots.get(i);
      Map<String, String> summary = snapshot.summary();
      snapshotRows.add(
          List.of(
              snapshot.sequence(),
              Long.toString(snapshot.id()),
              time(snapshot.timestampMillis()),
              operation(summary),
              summary.getOrDefault("added-records", "0"),
              summary.getOrDefault("added-data-files", "0"),
              summary.getOrDefault("deleted-data-files", "0"),
              summary.getOrDefault(PipelineRunner.BATCH_ID, ""),
              sluiceSummary(summary)));
    }
    html.table(
        "id=\"snapshot-list\"",
        List.of(
            "#",
            "snapshot id",
            "committed",
            "operation",
            "rows added",
            "files added",
            "files removed",
            "batch",
            "bookkeeping"),
        snapshotRows);
    if (snapshots.size() > MAX_SNAPSHOTS) {
      html.element(
          "p",
          "class=\"hint\"",
          (snapshots.size() - MAX_SNAPSHOTS) + " older snapshot(s) not listed.");
    }
    html.raw("</section>");

    // Columns.
    List<List<?>> columnRows = new ArrayList<>();
    for (LakeColumn column : table.columns()) {
      columnRows.add(List.of(column.fieldId(), column.name(), column.type()));
    }
    html.raw("<section>")
        .element("h2", "Columns")
        .table("id=\"columns\"", List.of("field id", "column", "type"), columnRows)
        .raw("</section>");
  }

  /** What a snapshot did: Sluice's own operation name when it set one, else from its summary. */
  static String operation(Map<String, String> summary) {
    String operation = summary.get("sluice.operation");
    if (operation != null) {
      return operation;
    }
    if (summary.containsKey(BatchHistory.CHECKPOINT_SEQUENCE)) {
      return "checkpoint";
    }
    if (summary.keySet().stream().anyMatch(key -> key.startsWith("sluice.backfill."))) {
      return "backfill";
    }
    if (summary.containsKey(PipelineRunner.BATCH_ID)) {
      return "batch";
    }
    return "append";
  }

  /** Sluice's bookkeeping keys of a summary except the batch id (shown on its own), shortened. */
  private static String sluiceSummary(Map<String, String> summary) {
    StringBuilder text = new StringBuilder();
    summary.entrySet().stream()
        .filter(entry -> entry.getKey().startsWith("sluice."))
        .filter(entry -> !entry.getKey().equals(PipelineRunner.BATCH_ID))
        .filter(entry -> !entry.getKey().equals("sluice.operation"))
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            entry -> {
              String value = entry.getValue();
              if (value.length() > 60) {
                value = value.substring(0, 57) + "…";
              }
              if (text.length() > 0) {
                text.append("; ");
              }
              text.append(entry.getKey().substring("sluice.".length())).append('=').append(value);
            });
    return text.toString();
  }

  private static String last(List<Snapshot> snapshots, String operation, Instant now) {
    for (int i = snapshots.size() - 1; i >= 0; i--) {
      Snapshot snapshot = snapshots.get(i);
      if (operation.equals(snapshot.summary().get("sluice.operation"))) {
        return describe(snapshot, now)
            + ", removed "
            + snapshot.summary().getOrDefault("deleted-data-files", "?")
            + " file(s), added "
            + snapshot.summary().getOrDefault("added-data-files", "?");
      }
    }
    return "none among the kept snapshots";
  }

  private static String lastCheckpoint(List<Snapshot> snapshots, Instant now) {
    for (int i = snapshots.size() - 1; i >= 0; i--) {
      Snapshot snapshot = snapshots.get(i);
      String covered = snapshot.summary().get(BatchHistory.CHECKPOINT_SEQUENCE);
      if (covered != null) {
        return describe(snapshot, now) + ", folding the history up to snapshot #" + covered;
      }
    }
    return "none (expiry writes one before it removes snapshots that carry bookkeeping)";
  }

  private static String describe(Snapshot snapshot, Instant now) {
    return "snapshot #"
        + snapshot.sequence()
        + " of "
        + time(snapshot.timestampMillis())
        + " ("
        + Format.age(Duration.between(Instant.ofEpochMilli(snapshot.timestampMillis()), now))
        + ")";
  }

  private static String time(long millis) {
    return TIME.format(Instant.ofEpochMilli(millis));
  }

  /** A partition's values as the table's transforms mean them, e.g. {@code day=2026-01-03}. */
  static String partition(List<PartitionField> partitioning, List<Object> values) {
    if (partitioning.isEmpty() || values.isEmpty()) {
      return "(unpartitioned)";
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      Object value = values.get(i);
      PartitionField field = i < partitioning.size() ? partitioning.get(i) : null;
      String label = field == null ? "?" : field.column();
      String shown = String.valueOf(value);
      if (field != null && value instanceof Integer number) {
        if (field.transform() == PartitionField.Transform.DAY) {
          label = "day(" + field.column() + ")";
          shown = LocalDate.ofEpochDay(number).toString();
        } else if (field.transform() == PartitionField.Transform.HOUR) {
          label = "hour(" + field.column() + ")";
          shown = LocalDateTime.ofEpochSecond(number * 3600L, 0, ZoneOffset.UTC).toString();
        }
      }
      parts.add(label + "=" + shown);
    }
    return String.join(", ", parts);
  }

  private static String fileName(String path) {
    int slash = path.lastIndexOf('/', path.lastIndexOf('/') - 1);
    return slash < 0 ? path : "…" + path.substring(slash);
  }

  /**
   * A table's current files per partition, and which partitions maintenance would compact: those
   * with at least {@code min-files} files smaller than {@code target-file-size-mb} (the rule of
   * {@link LakeTable#rewriteSmallFiles}), computed from the manifests without planning a rewrite.
   */
  record Compaction(
      Map<List<Object>, Partition> partitions,
      int files,
      long rows,
      long bytes,
      int small,
      int due) {
    record Partition(List<Object> values, int files, int small, long rows, long bytes) {}

    static Compaction of(List<DataFile> files, Project.MaintenanceConfig maintenance) {
      long target = maintenance.targetFileSizeBytes();
      Map<List<Object>, Partition> partitions = new LinkedHashMap<>();
      long rows = 0;
      long bytes = 0;
      int small = 0;
      for (DataFile file : files) {
        boolean isSmall = file.sizeBytes() < target;
        partitions.merge(
            file.partition(),
            new Partition(
                file.partition(), 1, isSmall ? 1 : 0, file.recordCount(), file.sizeBytes()),
            (a, b) ->
                new Partition(
                    a.values(),
                    a.files() + b.files(),
                    a.small() + b.small(),
                    a.rows() + b.rows(),
                    a.bytes() + b.bytes()));
        rows += file.recordCount();
        bytes += file.sizeBytes();
        small += isSmall ? 1 : 0;
      }
      int due = 0;
      for (Partition partition : partitions.values()) {
        due += partition.small() >= maintenance.minFiles() ? 1 : 0;
      }
      // Newest partitions first: a day or hour partition's value grows with time.
      List<Map.Entry<List<Object>, Partition>> sorted = new ArrayList<>(partitions.entrySet());
      sorted.sort((a, b) -> compare(b.getKey(), a.getKey()));
      Map<List<Object>, Partition> ordered = new LinkedHashMap<>();
      sorted.forEach(entry -> ordered.put(entry.getKey(), entry.getValue()));
      return new Compaction(ordered, files.size(), rows, bytes, small, due);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(List<Object> a, List<Object> b) {
      for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
        Object x = a.get(i);
        Object y = b.get(i);
        if (x == null || y == null) {
          if (x != y) {
            return x == null ? -1 : 1;
          }
          continue;
        }
        int order =
            x instanceof Comparable c && x.getClass() == y.getClass()
                ? c.compareTo(y)
                : String.valueOf(x).compareTo(String.valueOf(y));
        if (order != 0) {
          return order;
        }
      }
      return Integer.compare(a.size(), b.size());
    }
  }
}
