package io.sluice.ui.pages;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.QueryCursor;
import io.sluice.api.engine.QueryLimitException;
import io.sluice.api.engine.QueryResult;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.server.Access;
import io.sluice.ui.Endpoint;
import io.sluice.ui.PageException;
import io.sluice.ui.PageRequest;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /ui/api/sql}: the SQL console's query, {@code {"sql": "...", "maxRows": 1000}} in the
 * body. It runs on a sandboxed, read-only warehouse reader of {@link
 * io.sluice.ui.ConsoleContext#readers()} (one per query), the same one {@code POST /v1/query} uses,
 * so whatever the reader refuses (files, settings, extensions, other databases, writes, more than
 * one statement) is refused here with the reader's message and a 400. The answer holds at most
 * {@code maxRows} rows (default {@value #DEFAULT_ROWS}, at most {@value #MAX_ROWS}) and says when
 * the result had more, and how long the query took on the server.
 *
 * <p>Viewer access is enough: the reader cannot change anything. It is a POST (the SQL can be long)
 * and so, from a browser, needs the console's CSRF header like every other POST.
 */
public final class SqlEndpoint implements Endpoint {
  static final int DEFAULT_ROWS = 1000;
  static final int MAX_ROWS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(SqlEndpoint.class);

  @Override
  public String method() {
    return "POST";
  }

  @Override
  public String path() {
    return "/ui/api/sql";
  }

  @Override
  public Access needs() {
    return Access.VIEWER;
  }

  @Override
  public Object answer(PageRequest request) {
    JsonNode body = request.json();
    JsonNode sqlNode = body.get("sql");
    if (sqlNode == null || !sqlNode.isTextual() || sqlNode.asText().isBlank()) {
      throw PageException.badRequest("give the query as {\"sql\": \"SELECT ...\"}");
    }
    int maxRows = DEFAULT_ROWS;
    JsonNode limit = body.get("maxRows");
    if (limit != null && !limit.isNull()) {
      if (!limit.canConvertToInt() || limit.asInt() < 1 || limit.asInt() > MAX_ROWS) {
        throw PageException.badRequest(
            "'maxRows' must be a whole number from 1 to " + MAX_ROWS + ", not " + limit);
      }
      maxRows = limit.asInt();
    }
    long started = System.nanoTime();
    try (WarehouseReader reader = request.console().readers().open();
        QueryCursor cursor = reader.query(sqlNode.asText())) {
      QueryResult result = cursor.fetch(maxRows, SqlEndpoint::cell);
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("columns", result.columns());
      answer.put("types", result.types());
      answer.put("rows", result.rows());
      answer.put("truncated", result.truncated());
      answer.put("maxRows", maxRows);
      answer.put("millis", (System.nanoTime() - started) / 1_000_000);
      reader
          .snapshotTime()
          .ifPresent(
              time -> answer.put("snapshot", time.truncatedTo(ChronoUnit.MILLIS).toString()));
      return answer;
    } catch (QueryLimitException e) {
      throw new PageException(
          e.limit() == QueryLimitException.Limit.TIMEOUT ? 408 : 413,
          e.limit() == QueryLimitException.Limit.TIMEOUT
              ? e.getMessage() + " (serve.query-timeout in sluice.yaml)"
              : e.getMessage()
                  + " (serve.query-max-mb in sluice.yaml); add LIMIT or select fewer columns");
    } catch (SluiceException e) {
      if (e.category() == ErrorCategory.USER) {
        throw PageException.badRequest(e.getMessage());
      }
      LOG.warn("A console query could not be answered", e);
      throw new PageException(503, "the warehouse cannot be read now; retry shortly");
    }
  }

  /** The largest integer a browser's number holds exactly (2^53 - 1). */
  private static final long EXACT_IN_JAVASCRIPT = (1L << 53) - 1;

  /**
   * Numbers and booleans as JSON numbers and booleans, everything else as its text; so are integers
   * a browser could not hold exactly, and decimals (their scale is kept).
   */
  private static Object cell(Object value) {
    if (value instanceof Long number) {
      return number >= -EXACT_IN_JAVASCRIPT && number <= EXACT_IN_JAVASCRIPT
          ? number
          : number.toString();
    }
    if (value == null
        || value instanceof Boolean
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte
        || value instanceof Double
        || value instanceof Float) {
      return value;
    }
    return value.toString();
  }
}
