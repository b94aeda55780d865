package io.sluice.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.project.ProjectLoader;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SQL console and {@code POST /v1/query} over HTTP, as the viewer: every attempt to reach a
 * file, a setting, an extension, another database, the environment, or to write, is refused with a
 * 400 and a message that says what was refused, and leaves no trace (no file written, the warehouse
 * and the sandbox's settings unchanged). Also the lake and pipeline pages, and the column lineage
 * of the shop's models.
 */
class SqlConsoleSandboxTest {
  @RegisterExtension static final ShopConsole.PerClass shop = ShopConsole.perClass();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An attack, and a word its refusal must contain. */
  private record Attack(String sql, String refusal) {}

  private static List<Attack> attacks(Path out) {
    Path state = ProjectLoader.load(shop.project()).stateDirectory();
    Path lakeData = lakeData();
    return List.of(
        new Attack("SELECT * FROM read_text('/etc/passwd')", "file system operations are disabled"),
        new Attack("SELECT * FROM read_text('/proc/self/environ')", "disabled"),
        new Attack("SELECT * FROM read_blob('/proc/self/environ')", "disabled"),
        new Attack("SELECT * FROM read_csv('/etc/passwd')", "disabled"),
        new Attack("SELECT * FROM read_csv_auto('/etc/passwd')", "disabled"),
        new Attack("SELECT * FROM '/etc/passwd'", ""),
        new Attack("SELECT * FROM read_json('/etc/passwd')", "disabled"),
        new Attack("SELECT * FROM sniff_csv('/etc/passwd')", ""),
        new Attack("SELECT * FROM glob('/etc/*')", ""),
        new Attack(
            "SELECT * FROM read_parquet('" + shop.project().resolve("data") + "/**/*.parquet')",
            ""),
        new Attack("SELECT * FROM parquet_metadata('/etc/passwd')", ""),
        new Attack("SELECT * FROM read_text('" + lakeData + "/../../../sluice.yaml')", ""),
        new Attack("SELECT * FROM read_text('" + state + "/warehouse.duckdb')", ""),
        new Attack("COPY (SELECT 1) TO '" + out.resolve("x.csv") + "'", "COPY is refused"),
        new Attack(
            "EXPLAIN ANALYZE COPY (SELECT 1) TO '" + out.resolve("x2.csv") + "'", "is refused"),
        // EXPLAIN with options in parentheses runs what it explains: under ANALYZE, a write into
        // the lake's folders (which the sandbox may read) would happen.
        new Attack(
            "EXPLAIN (ANALYZE) COPY (SELECT 1) TO '" + lakeData + "/evil.csv'", "COPY is refused"),
        new Attack(
            "EXPLAIN (ANALYZE, FORMAT JSON) COPY (SELECT 1) TO '" + lakeData + "/evil2.csv'",
            "COPY is refused"),
        new Attack(
            "EXPLAIN (FORMAT JSON) COPY (SELECT 1) TO '" + lakeData + "/evil3.csv'",
            "COPY is refused"),
        new Attack("EXPLAIN (ANALYZE) CREATE TABLE memory.evil AS SELECT 1", "CREATE is refused"),
        new Attack(
            "EXPLAIN (ANALYZE) ATTACH '" + lakeData + "/evil.duckdb' AS evil", "ATTACH is refused"),
        new Attack("ATTACH '" + out.resolve("other.duckdb") + "' AS other", "ATTACH is refused"),
        new Attack("ATTACH ':memory:' AS other", "ATTACH is refused"),
        new Attack("DETACH warehouse", "DETACH is refused"),
        new Attack("USE memory", "USE is refused"),
        new Attack("INSTALL httpfs", "INSTALL is refused"),
        new Attack("LOAD httpfs", "LOAD is refused"),
        new Attack("FORCE INSTALL httpfs", "FORCE is refused"),
        new Attack("SET enable_external_access = true", "SET is refused"),
        new Attack("SET threads = 1", "SET is refused"),
        new Attack("SET VARIABLE token = 'x'", "SET is refused"),
        new Attack("RESET threads", "RESET is refused"),
        new Attack("RESET lock_configuration", "RESET is refused"),
        new Attack("PRAGMA threads = 1", "PRAGMA is refused"),
        new Attack("PRAGMA enable_profiling", "PRAGMA is refused"),
        new Attack("CREATE TABLE evil AS SELECT 1", "CREATE is refused"),
        new Attack("CREATE TEMP TABLE evil AS SELECT 1", "CREATE is refused"),
        new Attack("CREATE MACRO evil() AS 1", "CREATE is refused"),
        new Attack("CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')", "CREATE is refused"),
        new Attack("INSERT INTO daily_revenue SELECT * FROM daily_revenue", "INSERT is refused"),
        new Attack("UPDATE daily_revenue SET revenue = 0", "UPDATE is refused"),
        new Attack("DELETE FROM daily_revenue", "DELETE is refused"),
        new Attack("DROP TABLE daily_revenue", "DROP is refused"),
        new Attack("ALTER TABLE daily_revenue RENAME TO r", "ALTER is refused"),
        new Attack("TRUNCATE daily_revenue", "TRUNCATE is refused"),
        new Attack("EXPORT DATABASE '" + out.resolve("export") + "'", "EXPORT is refused"),
        new Attack("IMPORT DATABASE '" + out.resolve("export") + "'", "IMPORT is refused"),
        new Attack("CHECKPOINT", "CHECKPOINT is refused"),
        new Attack("VACUUM", "VACUUM is refused"),
        new Attack("CALL read_text('/etc/passwd')", "CALL is refused"),
        new Attack("CALL pragma_version()", "CALL is refused"),
        new Attack("SELECT getenv('SHOP_OPERATOR_TOKEN')", "getenv"),
        new Attack("SELECT getenv('HOME')", "getenv"),
        new Attack("SELECT * FROM query('DROP TABLE daily_revenue')", ""),
        new Attack("SELECT * FROM query_table('/etc/passwd')", ""),
        new Attack("SELECT * FROM read_parquet('https://example.com/x.parquet')", ""),
        new Attack("SELECT 1; DROP TABLE daily_revenue", "a second statement after a semicolon"),
        new Attack("SELECT 1; SELECT 2", "Only one statement at a time"),
        new Attack("SELECT E'\\'' ; DROP TABLE daily_revenue; --'", ""),
        new Attack(
            "WITH x AS (SELECT 1) INSERT INTO daily_revenue SELECT * FROM x",
            "a WITH before a write"));
  }

  /** The folder of the lake's data files: the one folder the sandbox may read. */
  private static Path lakeData() {
    return ProjectLoader.load(shop.project()).stateDirectory().resolve("lake").resolve("warehouse");
  }

  @Test
  void theConsoleAndTheQueryApiRefuseFileReadsWritesSettingsExtensionsAndTheEnvironment()
      throws Exception {
    Path out = Files.createDirectories(shop.scratch().resolve("attacks"));
    JsonNode before = console("SELECT count(*) AS n, sum(revenue) AS r FROM daily_revenue");
    assertThat(before.path("rows").get(0).get(0).asLong()).isPositive();
    List<String> notRefused = new ArrayList<>();
    for (Attack attack : attacks(out)) {
      for (boolean throughConsole : new boolean[] {true, false}) {
        HttpResponse<String> response =
            throughConsole ? consoleQuery(attack.sql()) : apiQuery(attack.sql());
        String where = (throughConsole ? "/ui/api/sql" : "/v1/query") + ": " + attack.sql();
        if (response.statusCode() != 400) {
          notRefused.add(where + " -> " + response.statusCode() + " " + response.body());
          continue;
        }
        String error = JSON.readTree(response.body()).path("error").asText();
        assertThat(error).as(where).isNotBlank().contains(attack.refusal());
        assertThat(error).as(where).doesNotContain(ShopConsole.OPERATOR_TOKEN);
      }
    }
    assertThat(notRefused).as("statements the sandbox let through").isEmpty();
    // Without effect: nothing written, nothing attached, the warehouse and the sandbox unchanged.
    try (var files = Files.list(out)) {
      assertThat(files).isEmpty();
    }
    try (var files = Files.walk(lakeData())) {
      assertThat(files.filter(file -> file.getFileName().toString().startsWith("evil"))).isEmpty();
    }
    HttpResponse<String> created = consoleQuery("SELECT * FROM memory.evil");
    assertThat(created.statusCode()).isEqualTo(400);
    assertThat(console("SELECT count(*) AS n, sum(revenue) AS r FROM daily_revenue").path("rows"))
        .isEqualTo(before.path("rows"));
    JsonNode settings =
        console(
            "SELECT current_setting('enable_external_access'),"
                + " current_setting('lock_configuration'), current_setting('threads'),"
                + " current_setting('autoinstall_known_extensions')");
    assertThat(settings.path("rows").get(0).toString()).isEqualTo("[false,true,2,false]");
    assertThat(
            console(
                    "SELECT string_agg(database_name, ',' ORDER BY database_name)"
                        + " FROM duckdb_databases() WHERE NOT internal")
                .path("rows"))
        .hasToString("[[\"memory,warehouse\"]]");
  }

  @Test
  void noQueryReadsTheTokensOrTheEnvironment() throws Exception {
    // What a query may read about its engine: its settings and functions. None holds a token.
    for (String sql :
        List.of(
            "SELECT name, value FROM duckdb_settings()",
            "SELECT * FROM duckdb_secrets()",
            "SELECT * FROM duckdb_variables()",
            "SELECT * FROM duckdb_databases()",
            "SELECT * FROM duckdb_extensions()",
            "SELECT function_name FROM duckdb_functions() WHERE function_name ILIKE '%env%'")) {
      HttpResponse<String> response = consoleQuery(sql);
      assertThat(response.statusCode()).as(sql + ": " + response.body()).isIn(200, 400);
      for (String token : ShopConsole.ENV.values()) {
        assertThat(response.body()).as(sql).doesNotContain(token);
      }
    }
    assertThat(
            console("SELECT count(*) FROM duckdb_functions() WHERE function_name = 'getenv'")
                .path("rows"))
        .hasToString("[[0]]");
  }

  @Test
  void theConsoleAnswersRowsBoundedWithTheirTypesAndTime() throws Exception {
    JsonNode answer =
        JSON.readTree(
            post(
                    "/ui/api/sql",
                    JSON.writeValueAsString(
                        Map.of("sql", "SELECT range AS n FROM range(25)", "maxRows", 10)),
                    true)
                .body());
    assertThat(answer.path("columns")).hasToString("[\"n\"]");
    assertThat(answer.path("types")).hasToString("[\"BIGINT\"]");
    assertThat(answer.path("rows")).hasSize(10);
    assertThat(answer.path("truncated").asBoolean()).isTrue();
    assertThat(answer.path("millis").isNumber()).isTrue();
    // What a browser cannot hold exactly comes as text: big integers, decimals with their scale.
    assertThat(
            console("SELECT 9007199254740993::BIGINT AS big, 42::BIGINT AS small, 1.50 AS d")
                .path("rows"))
        .hasToString("[[\"9007199254740993\",42,\"1.50\"]]");
    HttpResponse<String> wrong = consoleQuery("SELECT no_such_column FROM daily_revenue");
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(wrong.body()).path("error").asText())
        .contains("no_such_column")
        .contains("Binder Error");
    // Without the CSRF header a cookie's POST has no access.
    HttpResponse<String> forged = post("/ui/api/sql", "{\"sql\":\"SELECT 1\"}", false);
    assertThat(forged.statusCode()).isEqualTo(401);
    HttpResponse<String> anonymous =
        HTTP.send(
            HttpRequest.newBuilder(shop.uri().resolve("/ui/api/sql"))
                .header("X-Sluice-Console", "1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(page("/ui/sql")).contains("id=\"sql\"").contains("/ui/static/sql.js");
  }

  @Test
  void theLakePagesShowTablesSnapshotsPartitionsAndCompaction() throws Exception {
    String lake = page("/ui/lake");
    assertThat(lake).contains("clean.orders", "quarantine.clicks", "raw.customers");
    assertThat(lake).contains("daily_revenue").contains("target-file-size-mb");
    String table = page("/ui/lake/clean.orders");
    assertThat(table)
        .contains("id=\"snapshot-list\"", "id=\"partitions\"", "id=\"compaction\"")
        .contains("day(ordered_at)=")
        .contains("batch");
    HttpResponse<String> missing = get("/ui/lake/clean.nothing");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("There is no lake table");
  }

  @Test
  void thePipelineDrawsTheGraphAndTheColumnLineageOfAModel() throws Exception {
    String graph = page("/ui/pipeline");
    assertThat(graph)
        .contains("<svg id=\"pipeline-graph\"")
        .contains("data-node=\"source:orders\"", "data-node=\"clean.orders\"")
        .contains("data-node=\"model:daily_revenue\"")
        .contains("href=\"/ui/quality?source=orders\"", "href=\"/ui/lake/clean.orders\"");
    Map<String, String> revenue = lineage(page("/ui/pipeline?model=daily_revenue"));
    assertThat(revenue)
        .containsEntry("order_date", "orders_enriched.order_date|copied")
        .containsEntry("country", "orders_enriched.country|copied")
        .containsEntry("orders", "no input column (a constant or a count)|constant")
        .containsEntry("revenue", "orders_enriched.amount|computed");
    Map<String, String> enriched = lineage(page("/ui/pipeline?model=orders_enriched"));
    assertThat(enriched)
        .containsEntry("order_date", "lake.orders.ordered_at|computed")
        .containsEntry("segment", "lake.customers.segment|computed")
        .containsEntry("order_id", "lake.orders.order_id|copied");
    Map<String, String> funnel = lineage(page("/ui/pipeline?model=funnel"));
    assertThat(funnel)
        .containsEntry("day", "lake.clicks.event_time|computed")
        // FILTER (WHERE event_type = ...) counts: the filter's column is an origin too.
        .containsEntry("viewed", "lake.clicks.event_type, lake.clicks.session_id|computed")
        // count(*) of orders_enriched, through a CTE and a LEFT JOIN: no column feeds it.
        .containsEntry("orders", "no input column (a constant or a count)|constant")
        .containsEntry("view_to_order", "lake.clicks.event_type, lake.clicks.session_id|computed");
    assertThat(get("/ui/pipeline?model=nothing").statusCode()).isEqualTo(404);
  }

  /** The lineage table of a model page: output column to "origins|how". */
  private static Map<String, String> lineage(String html) {
    Map<String, String> lineage = new java.util.LinkedHashMap<>();
    String table = html.substring(html.indexOf("<table id=\"lineage\">"));
    table = table.substring(0, table.indexOf("</table>"));
    for (String row : table.split("<tr>")) {
      if (!row.contains("class=\"column\"")) {
        continue;
      }
      String[] cells = row.split("</td>");
      lineage.put(text(cells[0]), text(cells[1]) + "|" + text(cells[2]));
    }
    return lineage;
  }

  private static String text(String html) {
    return html.replaceAll("<[^>]+>", "").replace("&#39;", "'").trim();
  }

  private static JsonNode console(String sql) throws IOException, InterruptedException {
    HttpResponse<String> response = consoleQuery(sql);
    assertThat(response.statusCode()).as(sql + ": " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> consoleQuery(String sql)
      throws IOException, InterruptedException {
    return post("/ui/api/sql", JSON.writeValueAsString(Map.of("sql", sql)), true);
  }

  private static HttpResponse<String> post(String path, String body, boolean csrf)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(shop.uri().resolve(path))
            .header("Cookie", "sluice_token=" + ShopConsole.VIEWER_TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (csrf) {
      request.header("X-Sluice-Console", "1");
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> apiQuery(String sql)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(shop.uri().resolve("/v1/query"))
            .header("Authorization", "Bearer " + ShopConsole.VIEWER_TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(sql))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String page(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = get(path);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    // The Content-Security-Policy forbids inline scripts: pages load theirs from /ui/static.
    assertThat(response.body()).as(path).doesNotContain("<script>");
    return response.body();
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(shop.uri().resolve(path))
            .header("Cookie", "sluice_token=" + ShopConsole.VIEWER_TOKEN)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
