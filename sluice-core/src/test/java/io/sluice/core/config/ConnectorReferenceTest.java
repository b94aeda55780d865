package io.sluice.core.config;

import static io.sluice.config.ConfigType.integer;
import static io.sluice.config.ConfigType.oneOf;
import static io.sluice.config.ConfigType.section;
import static io.sluice.config.ConfigType.string;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.source.ConnectorCapabilities;
import io.sluice.api.source.ConnectorCapabilities.Delivery;
import io.sluice.api.source.ConnectorCapabilities.PositionKind;
import io.sluice.api.source.ConnectorFactory;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectorReferenceTest {
  private static final ConfigDef QUEUE =
      ConfigDef.builder("queue", "Where the queue is and how to log in.")
          .add(
              ConfigKey.builder("url", string()).doc("The queue's address.").required().build(),
              ConfigKey.builder("password-env", string())
                  .doc("Environment variable holding the password.")
                  .build(),
              ConfigKey.builder("password-file", string())
                  .doc("File holding the password.")
                  .build(),
              ConfigKey.builder("batch-size", integer(1))
                  .doc("Records per batch.")
                  .defaultValue(500)
                  .build(),
              ConfigKey.builder("start", oneOf("earliest", "latest"))
                  .doc("Where a new source starts | reading.")
                  .defaultValue("earliest")
                  .build())
          .build();

  private static final ConfigDef OPTIONS =
      ConfigDef.builder("queue source", "The keys of a queue source.")
          .add(ConfigKey.builder("queue", section(QUEUE)).doc("The queue to read.").build())
          .build();

  /** A connector that is only described: nothing is created. */
  private static final class QueueFactory implements ConnectorFactory {
    @Override
    public String name() {
      return "queue";
    }

    @Override
    public String description() {
      return "Records from a message queue.";
    }

    @Override
    public ConfigDef options() {
      return OPTIONS;
    }

    @Override
    public ConnectorCapabilities capabilities() {
      return new ConnectorCapabilities(
          PositionKind.OFFSET, Delivery.AT_LEAST_ONCE, Set.of(), false, true, true, false);
    }

    @Override
    public SourceConnector create(SourceContext context) {
      throw new UnsupportedOperationException("described only");
    }
  }

  private static final String REGENERATE = "./regenerate";

  @Test
  void thePageHasTheDescriptionTheCapabilitiesAndEveryOption() {
    String page = ConnectorReference.markdown(new QueueFactory(), REGENERATE);

    assertThat(page)
        .startsWith("# Connector `queue`\n")
        .contains("Records from a message queue.")
        .contains("`connector: queue`")
        .contains(REGENERATE)
        .contains("| Delivery guarantee | **at least once** |")
        .contains("| Position | offsets |")
        .contains("| Native formats | none |")
        .contains("| Re-reads quarantined records | no |")
        .contains("| Continuous | yes |")
        .contains("| Changelog | yes |")
        .contains("| `queue` | mapping | — | The queue to read. |")
        .contains("### `queue`\n\nWhere the queue is and how to log in.")
        .contains("| `url` | string | required | The queue's address. |")
        .contains("| `batch-size` | integer ≥ 1 | `500` | Records per batch. |")
        .contains("Where a new source starts \\| reading.");
  }

  @Test
  void optionsNamingWhereASecretIsAreMarkedSecret() {
    String page = ConnectorReference.markdown(new QueueFactory(), REGENERATE);

    assertThat(page)
        .contains("Secret options: `queue.password-env`, `queue.password-file`.")
        .contains(
            "| `password-env` | string | — | **Secret** (names an environment variable holding"
                + " it). Environment variable holding the password. |")
        .contains(
            "| `password-file` | string | — | **Secret** (names a file holding it). File holding"
                + " the password. |");
    assertThat(page.lines().filter(line -> line.contains("**Secret**"))).hasSize(2);
  }

  @Test
  void theSchemaDescribesTheOptionsAndRejectsUnknownKeys() throws IOException {
    JsonNode schema =
        new ObjectMapper().readTree(ConnectorReference.jsonSchema(new QueueFactory()));

    assertThat(schema.get("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.get("title").asText()).contains("'queue'");
    assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
    JsonNode queue = schema.get("properties").get("queue");
    assertThat(queue.get("additionalProperties").asBoolean()).isFalse();
    assertThat(queue.get("required")).extracting(JsonNode::asText).containsExactly("url");
    assertThat(queue.get("properties").get("batch-size").get("default").asInt()).isEqualTo(500);
  }

  @Test
  void generatesAPageAndASchemaNamedAfterTheConnector() {
    assertThat(ConnectorReference.generate(new QueueFactory(), REGENERATE))
        .containsOnlyKeys(
            "docs/reference/connectors/queue.md", "docs/schema/connectors/queue.schema.json");
  }

  @Test
  void allKeysWalksSections() {
    assertThat(ConnectorReference.allKeys(OPTIONS))
        .containsOnlyKeys(
            "queue",
            "queue.url",
            "queue.password-env",
            "queue.password-file",
            "queue.batch-size",
            "queue.start");
  }
}
