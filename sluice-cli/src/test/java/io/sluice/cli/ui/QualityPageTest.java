package io.sluice.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quality page's HTML (no browser): schema drift, thresholds and its parameters. */
class QualityPageTest {
  @TempDir Path temp;

  private static void run(Path project) {
    StringWriter out = new StringWriter();
    int exit =
        Main.execute(
            new PrintWriter(out, true),
            new PrintWriter(out, true),
            "run",
            "-p",
            project.toString(),
            "--progress=never");
    assertThat(exit).as(out.toString()).isZero();
  }

  private static HttpResponse<String> get(ShopConsole console, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(console.uri().resolve(path))
                .header("Authorization", "Bearer " + ShopConsole.VIEWER_TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void bothPagesSayNothingLandedBeforeTheFirstRun() throws Exception {
    Path project = temp.resolve("fresh");
    Files.createDirectories(project.resolve("sources"));
    Files.writeString(
        project.resolve("sluice.yaml"),
        "name: fresh\nserve:\n  port: 0\n"
            + "  query-token-env: SHOP_OPERATOR_TOKEN\n  viewer-token-env: SHOP_VIEWER_TOKEN\n");
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        "path: data/*.ndjson\ncolumns:\n  - {name: id, type: bigint}\n");
    try (ShopConsole console = ShopConsole.serve(project)) {
      HttpResponse<String> quality = get(console, "/ui/quality");
      assertThat(quality.statusCode()).isEqualTo(200);
      assertThat(quality.body()).contains("Nothing has landed yet.");
      HttpResponse<String> quarantine = get(console, "/ui/quarantine");
      assertThat(quarantine.statusCode()).isEqualTo(200);
      assertThat(quarantine.body()).contains("Nothing is quarantined.", "No quarantined record");
    }
  }

  @Test
  void showsTheSchemaDriftEachBatchRecordedAndTheMinScore() throws Exception {
    Path project = temp.resolve("p");
    Files.createDirectories(project.resolve("sources"));
    Files.createDirectories(project.resolve("data"));
    Files.writeString(
        project.resolve("sluice.yaml"),
        "name: p\nquality:\n  min-score: 0.5\nserve:\n  port: 0\n"
            + "  query-token-env: SHOP_OPERATOR_TOKEN\n  viewer-token-env: SHOP_VIEWER_TOKEN\n");
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        """
        path: data/*.ndjson
        schema-drift: {policy: evolve}
        columns:
          - {name: id, type: bigint, checks: [not_null]}
          - {name: name}
        """);
    Files.writeString(
        project.resolve("data/1.ndjson"),
        "{\"id\":1,\"name\":\"Ann\"}\n{\"id\":null,\"name\":\"<b>Nobody</b>\"}\n");
    run(project);
    Files.writeString(
        project.resolve("data/2.ndjson"), "{\"id\":2,\"name\":\"Bob\",\"country\":\"FR\"}\n");
    run(project);

    try (ShopConsole console = ShopConsole.serve(project)) {
      HttpResponse<String> page = get(console, "/ui/quality?source=orders");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body())
          .contains(
              "data/2.ndjson: new field &#39;country&#39; (string) -&gt; column added to the clean"
                  + " table as string",
              "<td>b-000002</td>",
              "min-score 50.0%",
              "1 quarantined now",
              "not_null(id)",
              "data-chart=");

      HttpResponse<String> unknown = get(console, "/ui/quality?source=ordres");
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(unknown.body()).contains("unknown source &#39;ordres&#39;");
      assertThat(get(console, "/ui/quality?batches=0").statusCode()).isEqualTo(400);

      HttpResponse<String> quarantine = get(console, "/ui/quarantine?source=orders");
      assertThat(quarantine.statusCode()).isEqualTo(200);
      // The record's text is data: escaped, never markup.
      assertThat(quarantine.body())
          .contains("&lt;b&gt;Nobody&lt;/b&gt;")
          .doesNotContain("<b>Nobody</b>");
    }
  }
}
