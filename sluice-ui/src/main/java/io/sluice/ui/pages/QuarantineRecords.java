package io.sluice.ui.pages;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.QueryCursor;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.TableId;
import io.sluice.config.DidYouMean;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.FailedRules;
import io.sluice.core.run.LakeLayout;
import io.sluice.core.run.QuarantineQueries;
import io.sluice.ui.ConsoleContext;
import io.sluice.ui.PageException;
import io.sluice.ui.PageRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One page of quarantined records, read through a sandboxed reader of the warehouse (never the
 * pipeline's connection) with the queries {@code sluice quarantine show} runs: what the quarantine
 * browser shows and {@code GET /ui/api/quarantine} answers.
 */
final class QuarantineRecords {
  /** Records per page unless {@code limit} says otherwise, and the most it may say. */
  static final int PAGE_SIZE = 50;

  static final int MAX_PAGE_SIZE = 200;
  private static final int MAX_OFFSET = 10_000_000;
  private static final int MAX_FILE_FILTER = 1000;
  private static final Pattern BATCH = Pattern.compile("b-[0-9]{1,18}");

  /** The query parameters the browser and its endpoint take. */
  static final Set<String> PARAMETERS =
      Set.of("source", "rule", "file", "line", "batch", "limit", "offset");

  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private QuarantineRecords() {}

  /**
   * What a request asks for: the filter (of the source given, else of {@code fallback}) and the
   * page.
   */
  record Query(QuarantineQueries.Filter filter, int limit, int offset) {
    Query {
      requireNonNull(filter, "filter is null");
    }

    /** The query parameters that ask for this query at {@code newOffset}. */
    Map<String, String> parameters(int newOffset) {
      Map<String, String> parameters = new LinkedHashMap<>();
      parameters.put("source", filter.source());
      filter.rule().ifPresent(rule -> parameters.put("rule", rule));
      filter.file().ifPresent(file -> parameters.put("file", file));
      filter.line().ifPresent(line -> parameters.put("line", Long.toString(line)));
      filter.batch().ifPresent(batch -> parameters.put("batch", batch));
      if (limit != PAGE_SIZE) {
        parameters.put("limit", Integer.toString(limit));
      }
      if (newOffset > 0) {
        parameters.put("offset", Integer.toString(newOffset));
      }
      return parameters;
    }
  }

  /**
   * One quarantined record.
   *
   * @param batch the batch that quarantined it
   * @param ingestedAt when that batch was ingested (ISO-8601), if recorded
   * @param file the file it was read from, relative to the project
   * @param line its line (position) in that file
   * @param record the record verbatim, as read
   * @param prettyJson the record as indented JSON when it is a JSON object or array, else null
   * @param reasons every failure: {@code rule} ({@code range(amount)}), {@code message}, and the
   *     offending {@code value} when the rule recorded one
   */
  record Row(
      String batch,
      String ingestedAt,
      String file,
      long line,
      String record,
      String prettyJson,
      List<Map<String, Object>> reasons) {}

  /**
   * A page of records.
   *
   * @param query what was asked
   * @param total how many records the filter selects
   * @param rows the records of the page, in file and line order
   */
  record Result(Query query, long total, List<Row> rows) {
    /** Whether a page follows this one. */
    boolean hasNext() {
      return query.offset() + rows.size() < total;
    }
  }

  /** One failure (source, rule) and how many quarantined records failed it. */
  record Count(String source, String rule, long records) {}

  /**
   * The query a request asks for.
   *
   * @param fallback the source when the request names none; empty: the request must name one
   * @throws PageException (400) for an unknown source or a malformed value (the console has refused
   *     parameters outside {@link #PARAMETERS})
   */
  static Query query(PageRequest request, Optional<String> fallback) {
    Project project = request.console().project();
    List<String> sources = project.sources().stream().map(SourceDef::name).toList();
    String source =
        request
            .parameter("source")
            .or(() -> fallback)
            .orElseThrow(
                () ->
                    PageException.badRequest(
                        "'source' is required; the sources are: " + String.join(", ", sources)));
    if (project.source(source).isEmpty()) {
      throw PageException.badRequest(
          "unknown source '"
              + source
              + "'"
              + DidYouMean.hint(source, sources)
              + "; the sources are: "
              + String.join(", ", sources));
    }
    Optional<String> batch = request.parameter("batch");
    if (batch.isPresent() && !BATCH.matcher(batch.get()).matches()) {
      throw PageException.badRequest(
          "'batch' must be a batch id such as b-000001, not '" + batch.get() + "'");
    }
    Optional<String> file = request.parameter("file");
    if (file.isPresent() && file.get().length() > MAX_FILE_FILTER) {
      throw PageException.badRequest("'file' is longer than " + MAX_FILE_FILTER + " characters");
    }
    Optional<Long> line =
        request.parameter("line").isEmpty()
            ? Optional.empty()
            : Optional.of((long) request.intParameter("line", 1, 1, Integer.MAX_VALUE));
    int limit = request.intParameter("limit", PAGE_SIZE, 1, MAX_PAGE_SIZE);
    int offset = request.intParameter("offset", 0, 0, MAX_OFFSET);
    return new Query(
        new QuarantineQueries.Filter(source, request.parameter("rule"), file, line, batch),
        limit,
        offset);
  }

  /**
   * Reads the page {@code query} asks for.
   *
   * @throws PageException (400) for a rule the source does not know, (503) when the warehouse
   *     cannot be read now (e.g. its published snapshot does not have the source's views yet)
   */
  static Result read(ConsoleContext console, Query query) {
    QuarantineQueries.Filter filter = query.filter();
    Optional<LakeTable> quarantine =
        console.runtime().lake().load(new TableId(LakeLayout.QUARANTINE, filter.source()));
    if (quarantine.isEmpty()) {
      return new Result(query, 0, List.of()); // nothing of the source has landed yet
    }
    try (WarehouseReader reader = open(console)) {
      if (!views(reader).contains(filter.source())) {
        return new Result(query, 0, List.of()); // not yet in the snapshot readers see
      }
      if (filter.rule().isPresent()) {
        List<String> quarantined = new ArrayList<>();
        for (List<Object> row : rows(reader, QuarantineQueries.failureNames(filter.source()))) {
          quarantined.add(String.valueOf(row.get(0)));
        }
        SourceDef source = console.project().source(filter.source()).orElseThrow();
        try {
          QuarantineQueries.requireKnownRule(
              source, console.runtime().engine().dialect(), filter.rule().get(), quarantined);
        } catch (SluiceException e) {
          throw PageException.badRequest(e.getMessage());
        }
      }
      long total =
          ((Number) rows(reader, QuarantineQueries.count(filter)).get(0).get(0)).longValue();
      List<Row> page = new ArrayList<>();
      for (List<Object> values :
          rows(
              reader,
              QuarantineQueries.records(filter, quarantine, query.limit(), query.offset()))) {
        page.add(row(values));
      }
      return new Result(query, total, page);
    } catch (SluiceException e) {
      throw unreadable(e);
    }
  }

  /**
   * Per source and failure, how many records are quarantined now (of the sources whose quarantine
   * the warehouse's published snapshot has).
   */
  static List<Count> counts(ConsoleContext console) {
    boolean landed =
        console.project().sources().stream()
            .anyMatch(
                source ->
                    console
                        .runtime()
                        .lake()
                        .load(new TableId(LakeLayout.QUARANTINE, source.name()))
                        .isPresent());
    if (!landed) {
      return List.of(); // nothing ran yet: the warehouse may not even exist
    }
    try (WarehouseReader reader = open(console)) {
      Set<String> views = views(reader);
      Optional<String> sql =
          QuarantineQueries.counts(
              console.project().sources().stream()
                  .map(SourceDef::name)
                  .filter(views::contains)
                  .toList());
      if (sql.isEmpty()) {
        return List.of();
      }
      List<Count> counts = new ArrayList<>();
      for (List<Object> row : rows(reader, sql.get())) {
        counts.add(
            new Count(
                String.valueOf(row.get(0)),
                String.valueOf(row.get(1)),
                ((Number) row.get(2)).longValue()));
      }
      return counts;
    } catch (SluiceException e) {
      throw unreadable(e);
    }
  }

  private static Set<String> views(WarehouseReader reader) {
    Set<String> views = new java.util.HashSet<>();
    for (List<Object> row : rows(reader, QuarantineQueries.views())) {
      views.add(String.valueOf(row.get(0)));
    }
    return views;
  }

  private static WarehouseReader open(ConsoleContext console) {
    return console.readers().open();
  }

  private static List<List<Object>> rows(WarehouseReader reader, String sql) {
    List<List<Object>> rows = new ArrayList<>();
    try (QueryCursor cursor = reader.query(sql)) {
      while (cursor.next()) {
        rows.add(cursor.row());
      }
    }
    return rows;
  }

  private static Row row(List<Object> values) {
    String record = values.get(5) == null ? "" : String.valueOf(values.get(5));
    return new Row(
        String.valueOf(values.get(0)),
        values.get(1) == null ? null : String.valueOf(values.get(1)),
        String.valueOf(values.get(2)),
        values.get(3) == null ? 0 : ((Number) values.get(3)).longValue(),
        record,
        prettyJson(record),
        reasons(values.get(6) == null ? "" : String.valueOf(values.get(6))));
  }

  /** The record indented, when it is a JSON object or array; else null. */
  static String prettyJson(String record) {
    String trimmed = record.strip();
    if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) {
      return null;
    }
    try {
      JsonNode node = PRETTY.readTree(trimmed);
      return node != null && node.isContainerNode() ? PRETTY.writeValueAsString(node) : null;
    } catch (IOException e) {
      return null; // not JSON after all (a malformed record): shown as read
    }
  }

  /** Every failure of {@code _errors} with its name as the CLI prints it, its message and value. */
  private static List<Map<String, Object>> reasons(String errors) {
    List<Map<String, Object>> reasons = new ArrayList<>();
    if (errors.isBlank()) {
      return reasons;
    }
    JsonNode array;
    try {
      array = PRETTY.readTree(errors);
    } catch (IOException e) {
      return List.of(Map.of("rule", "", "message", errors)); // written by Sluice: not expected
    }
    for (JsonNode error : array) {
      Map<String, Object> reason = new LinkedHashMap<>();
      reason.put(
          "rule", FailedRules.name(error.path("rule").asText(""), error.path("column").asText("")));
      reason.put("message", error.path("message").asText(""));
      JsonNode value = error.get("value");
      reason.put("value", value == null || value.isNull() ? null : value.asText());
      reasons.add(reason);
    }
    return reasons;
  }

  /** A query that failed: its SQL is the console's own (values are literals), not the caller's. */
  private static PageException unreadable(SluiceException e) {
    return new PageException(503, "The quarantine cannot be read now: " + e.getMessage());
  }
}
