package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice quality} and {@code sluice status --format json}: the quality history per batch.
 */
class QualityCommandTest {
  @TempDir Path temp;
  private Path project;

  @BeforeEach
  void createProjectAndLandTwoBatches() throws Exception {
    project = temp.resolve("shop");
    write("sluice.yaml", "name: shop\nquality:\n  min-score: 0.5\n");
    write(
        "sources/orders.yaml",
        """
        path: data/*.csv
        columns:
          - {name: id, type: bigint, checks: [not_null]}
          - {name: country, type: string, checks: [{accepted_values: {values: [NL, DE]}}]}
        min-score: 0.4
        """);
    write("sources/clicks.yaml", "path: clicks/*.csv\ncolumns:\n  - {name: url}\n");
    Files.createDirectories(project.resolve("clicks"));
    write("data/1.csv", "id,country\n1,NL\n2,FR\n,DE\n4,DE\n");
    run();
    write("data/2.csv", "id,country\n5,NL\n6,BE\n");
    run();
  }

  @Test
  void showsTotalsFailuresByRuleAndEachBatch() {
    Sluice.Result quality = sluice("quality", "-p", project.toString());

    assertThat(quality.exit()).as(quality.err()).isZero();
    assertThat(quality.out())
        .containsPattern(
            "dataset  batches  rows read  valid  quarantined  warned  score   weighted  min score"
                + "  last batch\n"
                + "[- ]+\n"
                + "clicks         0          0      0            0       0  -       -            50.00%"
                + "  never\n"
                + "orders         2          6      3            3       0  50.00%  50.00%       40.00%"
                + "  20\\S+Z\n")
        .contains(
            """
            Failures by rule in orders
            rule                      rows
            ------------------------  ----
            accepted_values(country)     2
            not_null(id)                 1
            """)
        .contains("Last 2 of 2 batches of orders")
        .containsPattern(
            "b-000001  20\\S+Z  +\\S+s     4      2            2       0  50.00%    50.00%"
                + "  accepted_values\\(country\\) 1, not_null\\(id\\) 1\n")
        .containsPattern(
            "b-000002  20\\S+Z  +\\S+s     2      1            1       0  50.00%    50.00%"
                + "  accepted_values\\(country\\) 1\n");

    Sluice.Result last = sluice("quality", "-p", project.toString(), "orders", "--batches", "1");
    assertThat(last.out()).contains("Last 1 of 2 batches of orders").doesNotContain("b-000001 ");
  }

  @Test
  void printsJsonForOneSourceAndForStatus() throws Exception {
    ObjectMapper mapper = new ObjectMapper();

    Sluice.Result quality =
        sluice("quality", "-p", project.toString(), "orders", "--format", "json");
    JsonNode orders = mapper.readTree(quality.out()).get("datasets").get(0);

    assertThat(orders.get("dataset").asText()).isEqualTo("orders");
    assertThat(orders.get("rows-read").asLong()).isEqualTo(6);
    assertThat(orders.get("score").asDouble()).isEqualTo(0.5);
    assertThat(orders.get("min-score").asDouble()).isEqualTo(0.4);
    assertThat(orders.get("failures-by-rule").toString())
        .isEqualTo("{\"accepted_values(country)\":2,\"not_null(id)\":1}");
    JsonNode second = orders.get("last-batches").get(1);
    assertThat(second.get("batch-id").asText()).isEqualTo("b-000002");
    assertThat(second.get("rows-quarantined").asLong()).isEqualTo(1);
    assertThat(second.get("millis").asLong()).isNotNegative();

    Sluice.Result status = sluice("status", "-p", project.toString(), "--format", "json");
    JsonNode body = mapper.readTree(status.out());
    assertThat(body.get("datasets"))
        .extracting(d -> d.get("dataset").asText())
        .containsExactly("clicks", "orders");
    assertThat(body.get("runs")).hasSize(2);
    assertThat(body.get("runs").get(1).get("status").asText()).isEqualTo("ok");
    assertThat(body.get("runs").get(1).get("sources").get(1).get("rows-read").asLong())
        .isEqualTo(2);
  }

  @Test
  void namesTheSourcesWhenTheOneAskedForIsUnknown() {
    Sluice.Result quality = sluice("quality", "-p", project.toString(), "order");

    assertThat(quality.exit()).isEqualTo(2);
    assertThat(quality.err())
        .contains(
            "Unknown source 'order' (did you mean 'orders'?); the sources are: clicks, orders");
  }

  private void run() {
    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress=never");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
  }

  private void write(String relative, String content) throws Exception {
    Path file = project.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
