package io.sluice.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The quarantine browser's endpoints on the shop example: {@code GET /ui/api/quarantine} (filters,
 * pages, what each record carries) and the validation of {@code POST /ui/api/quarantine/replay}
 * (dry runs only: nothing here changes the lake).
 */
class QuarantineApiTest {
  @RegisterExtension static final ShopConsole.PerClass shop = ShopConsole.perClass();

  private static ConsoleHttp.Answer list(String query) {
    return ConsoleHttp.get(shop.uri(), ShopConsole.VIEWER_TOKEN, "/ui/api/quarantine?" + query);
  }

  private static ConsoleHttp.Answer replay(String token, String body) {
    return ConsoleHttp.post(shop.uri(), token, "/ui/api/quarantine/replay", body);
  }

  private static String encoded(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void listsARulesRecordsWithTheirOriginalTextReasonsAndPositions() {
    ConsoleHttp.Answer answer =
        list("source=clicks&rule=" + encoded("accepted_values(event_type)"));
    assertThat(answer.status()).isEqualTo(200);
    JsonNode records = answer.body().path("records");
    assertThat(records.size()).isPositive().isEqualTo(answer.body().path("total").asInt());
    for (JsonNode record : records) {
      assertThat(record.path("file").asText()).startsWith("data/clicks/");
      assertThat(record.path("line").asLong()).isPositive();
      assertThat(record.path("batch").asText()).isEqualTo("b-000001");
      assertThat(record.path("ingested-at").asText()).isNotEmpty();
      assertThat(record.path("record").asText()).startsWith("{").contains("\"type\"");
      assertThat(record.path("reasons").findValuesAsText("rule"))
          .contains("accepted_values(event_type)");
      assertThat(record.path("reasons").get(0).path("message").asText()).contains("not one of");
    }
  }

  @Test
  void pagesThroughRecordsInFileAndLineOrder() {
    JsonNode all = list("source=clicks&limit=200").body();
    long total = all.path("total").asLong();
    assertThat(total).isGreaterThan(2);
    JsonNode second = list("source=clicks&limit=1&offset=1").body();
    assertThat(second.path("total").asLong()).isEqualTo(total);
    assertThat(second.path("records").size()).isEqualTo(1);
    assertThat(second.path("records").get(0)).isEqualTo(all.path("records").get(1));
  }

  @Test
  void filtersByFileLineAndBatch() {
    JsonNode first = list("source=orders").body().path("records").get(0);
    String file = first.path("file").asText();
    long line = first.path("line").asLong();
    JsonNode one =
        list("source=orders&file=" + encoded(file) + "&line=" + line + "&batch=b-000001").body();
    assertThat(one.path("total").asLong()).isEqualTo(1);
    assertThat(one.path("records").get(0)).isEqualTo(first);
    assertThat(list("source=orders&batch=b-000999").body().path("total").asLong()).isZero();
  }

  @Test
  void badFiltersAreRefusedWithAMessage() {
    assertThat(list("rule=parse").error()).contains("'source' is required");
    ConsoleHttp.Answer unknownSource = list("source=ordrs");
    assertThat(unknownSource.status()).isEqualTo(400);
    assertThat(unknownSource.error()).contains("unknown source 'ordrs'", "'orders'");
    ConsoleHttp.Answer unknownRule = list("source=orders&rule=rnage");
    assertThat(unknownRule.status()).isEqualTo(400);
    assertThat(unknownRule.error()).contains("Unknown rule 'rnage'", "range");
    assertThat(list("source=orders&batch=first").error()).contains("'batch' must be a batch id");
    assertThat(list("source=orders&limit=5000").error())
        .contains("'limit' must be a whole number from 1 to 200");
    assertThat(list("source=orders&offset=-1").status()).isEqualTo(400);
    assertThat(list("source=orders&line=x").status()).isEqualTo(400);
    ConsoleHttp.Answer unknownParameter = list("source=orders&rules=parse");
    assertThat(unknownParameter.status()).isEqualTo(400);
    assertThat(unknownParameter.error()).contains("unknown parameter 'rules'");
  }

  @Test
  void replayRefusesBadRequestsWithAMessage() {
    String operator = ShopConsole.OPERATOR_TOKEN;
    assertThat(replay(operator, "{\"dry-run\": true}").error()).contains("'source' is required");
    ConsoleHttp.Answer unknownKey = replay(operator, "{\"source\": \"orders\", \"dryrun\": true}");
    assertThat(unknownKey.status()).isEqualTo(400);
    assertThat(unknownKey.error()).contains("unknown key 'dryrun'", "dry-run");
    assertThat(replay(operator, "{\"source\": \"orders\", \"dry-run\": \"yes\"}").error())
        .contains("'dry-run' must be true or false");
    assertThat(replay(operator, "{\"source\": 7}").error()).contains("'source' must be");
    assertThat(replay(operator, "[1]").status()).isEqualTo(400);
    ConsoleHttp.Answer unknownRule =
        replay(operator, "{\"source\": \"orders\", \"rule\": \"rnage\", \"dry-run\": true}");
    assertThat(unknownRule.status()).isEqualTo(400);
    assertThat(unknownRule.error()).contains("Unknown rule 'rnage'");
    ConsoleHttp.Answer unknownSource = replay(operator, "{\"source\": \"ordrs\"}");
    assertThat(unknownSource.status()).isEqualTo(400);
    assertThat(unknownSource.error()).contains("unknown source 'ordrs'");
  }

  @Test
  void aDryRunSaysWhatWouldLandAndCommitsNothing() {
    long before = list("source=orders").body().path("total").asLong();
    ConsoleHttp.Answer answer =
        replay(ShopConsole.OPERATOR_TOKEN, "{\"source\": \"orders\", \"dry-run\": true}");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body().path("dry-run").asBoolean()).isTrue();
    assertThat(answer.body().path("replayed").asLong()).isEqualTo(before);
    assertThat(answer.body().path("resolved").asLong()).isZero(); // nothing was fixed
    assertThat(answer.body().path("still-failing").asLong()).isEqualTo(before);
    assertThat(answer.body().path("batch-id").isNull()).isTrue();
    assertThat(list("source=orders").body().path("total").asLong()).isEqualTo(before);
  }

  @Test
  void theViewerMayListButNotReplay() {
    ConsoleHttp.Answer answer =
        replay(ShopConsole.VIEWER_TOKEN, "{\"source\": \"orders\", \"dry-run\": true}");
    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.error()).contains("operator token");
  }
}
