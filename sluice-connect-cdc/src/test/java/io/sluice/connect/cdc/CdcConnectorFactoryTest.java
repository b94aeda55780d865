package io.sluice.connect.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.SluiceException;
import io.sluice.api.source.ConnectorCapabilities;
import io.sluice.api.source.ConnectorFactory;
import io.sluice.api.source.RecordTransform;
import io.sluice.api.source.SourceContext;
import io.sluice.config.ConfigValues;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class CdcConnectorFactoryTest {
  @TempDir Path project;

  private final CdcConnectorFactory factory = new CdcConnectorFactory();

  @Test
  void isInstalledAndDeclaresAChangelogReadContinuouslyByLsn() {
    assertThat(ServiceLoader.load(ConnectorFactory.class).stream().map(p -> p.get().name()))
        .contains("cdc");
    ConnectorCapabilities capabilities = factory.capabilities();
    assertThat(capabilities.positionKind())
        .isEqualTo(ConnectorCapabilities.PositionKind.LOG_SEQUENCE_NUMBER);
    assertThat(capabilities.delivery()).isEqualTo(ConnectorCapabilities.Delivery.EXACTLY_ONCE);
    assertThat(capabilities.changelog()).isTrue();
    assertThat(capabilities.continuous()).isTrue();
    assertThat(capabilities.rereadsQuarantined()).isTrue();
    assertThat(capabilities.missingFieldStops()).isFalse();
    assertThat(capabilities.nativeFormats()).isEmpty();
    assertThat(factory.functionsUnsupported(Map.of())).isPresent();
  }

  @Test
  void reportsAMisspeltOptionWithItsLineAndASuggestion() {
    List<String> problems =
        check(
            """
            cdc:
              url: jdbc:postgresql://127.0.0.1:5432/shop
              tabels: [public.orders]
              snapshot: inital
            """);
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "3:3 unknown key 'tabels' in cdc (did you mean 'tables'?)",
            "4:13 snapshot: expected one of initial, never, found 'inital' (did you mean"
                + " 'initial'?)",
            "2:3 missing required key 'tables' in cdc");
  }

  @Test
  void reportsBothPasswordSourcesAndAPasswordInTheUrl() {
    List<String> problems =
        check(
            """
            cdc:
              url: jdbc:postgresql://127.0.0.1/shop?password=hunter2
              tables: [public.orders]
              password-env: SHOP_PASSWORD
              password-file: secrets/shop
            """);
    assertThat(problems)
        .containsExactly(
            "5:3 set either password-env or password-file in cdc, not both",
            "2:8 cdc.url must not hold a password: name it with password-env or password-file");
  }

  @Test
  void reportsAnInitialSnapshotOfASlotSluiceMayNotCreate() {
    assertThat(
            check(
                """
                cdc:
                  url: jdbc:postgresql://127.0.0.1/shop
                  tables: [public.orders]
                  create: false
                """))
        .containsExactly(
            "4:3 cdc: snapshot initial needs create: true (a consistent snapshot is exported only"
                + " when Sluice creates the slot); with a slot you created, set snapshot: never");
  }

  @Test
  void checksTableNamesAndObjectNames() {
    List<String> problems =
        check(
            """
            cdc:
              url: jdbc:postgresql://127.0.0.1/shop
              tables: [orders]
              slot: Bad-Name
            """);
    assertThat(problems).hasSize(2);
    assertThat(problems.get(0)).contains("expected a schema-qualified table name");
    assertThat(problems.get(1)).contains("expected lower-case letters, digits and underscores");
  }

  @Test
  void defaultsDeriveTheSlotAndPublicationFromTheSourceName() {
    CdcOptions options = CdcOptions.parse(context("Shop-Orders", Map.of(), Map.of()));
    assertThat(options.slot()).isEqualTo("sluice_shop_orders");
    assertThat(options.publication()).isEqualTo("sluice_shop_orders");
    assertThat(options.create()).isTrue();
    assertThat(options.snapshot()).isEqualTo(CdcOptions.Snapshot.INITIAL);
    assertThat(options.maxChangesPerBatch()).isEqualTo(100_000);
    assertThat(options.password()).isEmpty();
    assertThat(options.database()).isEqualTo("postgres");
    assertThat(options.tables()).containsExactly(new CdcOptions.TableName("public", "orders"));
  }

  @Test
  void readsThePasswordFromTheEnvironmentOrAFileAndNeverShowsIt() throws Exception {
    assertThat(
            CdcOptions.parse(context("o", Map.of("password-env", "PW"), Map.of("PW", "s3cret-env")))
                .password())
        .contains("s3cret-env");
    Files.writeString(project.resolve("pw.txt"), "s3cret-file\n");
    assertThat(
            CdcOptions.parse(context("o", Map.of("password-file", "pw.txt"), Map.of())).password())
        .contains("s3cret-file");
    assertThatThrownBy(
            () -> CdcOptions.parse(context("o", Map.of("password-env", "NOPE"), Map.of())))
        .isInstanceOf(SluiceException.class)
        .hasMessageStartingWith("Source 'o': the environment variable NOPE (cdc.password-env, ")
        .hasMessageEndingWith("is not set; it must hold the database password");
    assertThat(
            CdcOptions.parse(context("o", Map.of("password-env", "PW"), Map.of("PW", "s3cret")))
                .toString())
        .doesNotContain("s3cret");
  }

  @Test
  void parsesQuotedAndUnquotedTableNames() {
    assertThat(CdcOptions.TableName.parse("Public.Orders"))
        .contains(new CdcOptions.TableName("public", "orders"));
    assertThat(CdcOptions.TableName.parse("\"Shop\".\"Order.Lines\""))
        .contains(new CdcOptions.TableName("Shop", "Order.Lines"));
    assertThat(CdcOptions.TableName.parse("orders")).isEmpty();
    assertThat(CdcOptions.TableName.parse("a.b.c")).isEmpty();
    assertThat(CdcOptions.TableName.parse("a.")).isEmpty();
  }

  private SourceContext context(
      String source, Map<String, Object> extra, Map<String, String> environment) {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("url", "jdbc:postgresql://127.0.0.1:1/shop");
    section.put("tables", List.of("public.orders"));
    section.putAll(extra);
    return new SourceContext(
        source,
        project,
        Map.of("cdc", section),
        List.of(),
        RecordTransform.IDENTITY,
        () -> {
          throw new IllegalStateException();
        },
        environment,
        project.resolve("sources").resolve(source + ".yaml"),
        project.resolve("state"));
  }

  /** Checks a source file's cdc keys as the core does: the keys, then the factory's resolve. */
  private List<String> check(String yaml) {
    List<String> problems = new ArrayList<>();
    io.sluice.config.ProblemReporter reporter =
        (node, message) ->
            problems.add(
                (node.getStartMark().getLine() + 1)
                    + ":"
                    + (node.getStartMark().getColumn() + 1)
                    + " "
                    + message);
    ConfigValues values =
        factory.options().parse(new Yaml().compose(new StringReader(yaml)), reporter).orElseThrow();
    if (problems.isEmpty()) {
      factory.resolve(values, reporter);
    }
    return problems;
  }
}
