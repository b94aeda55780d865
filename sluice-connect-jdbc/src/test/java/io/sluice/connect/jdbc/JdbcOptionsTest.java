package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.source.ConnectorCapabilities.PositionKind;
import io.sluice.api.source.ConnectorFactory;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigValues;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Node;

/** The jdbc section: every key, its default, and the cross-key checks with their locations. */
class JdbcOptionsTest {
  private final JdbcConnectorFactory factory = new JdbcConnectorFactory();

  /** Problems as {@code line:col message}. */
  private List<String> problems(String yaml) {
    Node node = new Yaml().compose(new StringReader(yaml));
    List<String> problems = new ArrayList<>();
    ConfigValues values =
        factory
            .options()
            .parse(
                node,
                (at, message) ->
                    problems.add(
                        (at.getStartMark().getLine() + 1)
                            + ":"
                            + (at.getStartMark().getColumn() + 1)
                            + " "
                            + message))
            .orElseThrow();
    if (problems.isEmpty()) {
      factory.resolve(
          values,
          (at, message) ->
              problems.add(
                  (at.getStartMark().getLine() + 1)
                      + ":"
                      + (at.getStartMark().getColumn() + 1)
                      + " "
                      + message));
    }
    return problems;
  }

  @Test
  void isInstalledWithItsCapabilities() {
    assertThat(ServiceLoader.load(ConnectorFactory.class).stream().map(p -> p.get().name()))
        .contains("jdbc");
    assertThat(factory.capabilities().positionKind()).isEqualTo(PositionKind.CURSOR_VALUE);
    assertThat(factory.capabilities().missingFieldStops()).isTrue();
    assertThat(factory.options().keys()).extracting(ConfigKey::name).containsExactly("jdbc");
  }

  @Test
  void saysRecordFunctionsDoNotRun() {
    assertThat(factory.functionsUnsupported(Map.of()))
        .hasValueSatisfying(reason -> assertThat(reason).contains("does not run record functions"));
  }

  @Test
  void documentsEveryKeyWithItsDefault() {
    assertThat(JdbcOptions.KEYS.keys())
        .extracting(ConfigKey::name)
        .containsExactly(
            "url",
            "user",
            "password-env",
            "password-file",
            "table",
            "query",
            "mode",
            "cursor",
            "lookback",
            "fetch-size",
            "properties");
    assertThat(JdbcOptions.KEYS.keys()).allSatisfy(key -> assertThat(key.doc()).isNotBlank());
    assertThat(JdbcOptions.MODE.defaultValue()).contains("full-refresh");
    assertThat(JdbcOptions.LOOKBACK.defaultValue()).contains(Duration.ZERO);
    assertThat(JdbcOptions.FETCH_SIZE.defaultValue()).contains(1000);
    assertThat(JdbcOptions.URL.required()).isTrue();
    assertThat(JdbcOptions.PASSWORD_ENV.name()).endsWith("-env");
    assertThat(JdbcOptions.PASSWORD_FILE.name()).endsWith("-file");
  }

  @Test
  void aValidSectionHasNoProblemsAndResolvesToWhatWasWritten() {
    String yaml =
        "jdbc:\n"
            + "  url: jdbc:postgresql://db:5432/shop\n"
            + "  user: reader\n"
            + "  password-env: SHOP_PASSWORD\n"
            + "  table: sales.orders\n"
            + "  mode: incremental\n"
            + "  cursor: [updated_at, id]\n"
            + "  lookback: 10m\n"
            + "  fetch-size: 500\n";
    assertThat(problems(yaml)).isEmpty();
    Map<String, Object> options =
        factory.resolve(
            factory.options().parse(new Yaml().compose(new StringReader(yaml)), (n, m) -> {}).get(),
            (n, m) -> {});
    JdbcOptions parsed = JdbcOptions.parse(options);
    assertThat(parsed.table()).contains("sales.orders");
    assertThat(parsed.mode()).isEqualTo(JdbcOptions.Mode.INCREMENTAL);
    assertThat(parsed.cursor()).containsExactly("updated_at", "id");
    assertThat(parsed.lookback()).isEqualTo(Duration.ofMinutes(10));
    assertThat(parsed.fetchSize()).isEqualTo(500);
    assertThat(parsed.passwordEnv()).contains("SHOP_PASSWORD");
  }

  @Test
  void defaultsApplyWhenKeysAreLeftOut() {
    JdbcOptions parsed =
        JdbcOptions.parse(Map.of("jdbc", Map.of("url", "jdbc:sqlite:a.db", "table", "t")));
    assertThat(parsed.mode()).isEqualTo(JdbcOptions.Mode.FULL_REFRESH);
    assertThat(parsed.fetchSize()).isEqualTo(1000);
    assertThat(parsed.lookback()).isZero();
    assertThat(parsed.user()).isEmpty();
  }

  @Test
  void aMisspeltKeyIsReportedWithItsLineAndADidYouMean() {
    assertThat(problems("jdbc:\n  url: jdbc:sqlite:a.db\n  tabel: orders\n"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("3:3 unknown key 'tabel' in jdbc")
                    .contains("did you mean 'table'"));
  }

  @Test
  void bothTableAndQueryIsAnError() {
    assertThat(problems("jdbc:\n  url: jdbc:sqlite:a.db\n  table: t\n  query: select 1\n"))
        .containsExactly("4:3 jdbc: set either table or query, not both (table is set too)");
  }

  @Test
  void neitherTableNorQueryIsAnError() {
    assertThat(problems("jdbc:\n  url: jdbc:sqlite:a.db\n"))
        .containsExactly("2:3 jdbc: set table (a table to read) or query (a query)");
  }

  @Test
  void incrementalWithoutCursorIsAnError() {
    assertThat(problems("jdbc:\n  url: jdbc:sqlite:a.db\n  table: t\n  mode: incremental\n"))
        .singleElement()
        .asString()
        .startsWith("4:3 jdbc: mode incremental needs cursor");
  }

  @Test
  void cursorAndLookbackOutsideIncrementalAreErrors() {
    assertThat(
            problems(
                "jdbc:\n  url: jdbc:sqlite:a.db\n  table: t\n  cursor: [id]\n  lookback: 5m\n"))
        .containsExactly(
            "4:3 jdbc: cursor is used only in mode incremental (mode is full-refresh); set mode:"
                + " incremental or remove cursor",
            "5:3 jdbc: lookback is used only in mode incremental");
  }

  @Test
  void secretsOnlyByReference() {
    assertThat(
            problems(
                "jdbc:\n  url: jdbc:postgresql://h/db?user=u&password=hunter2\n  table: t\n"
                    + "  properties: {password: hunter2}\n"
                    + "  password-env: A\n  password-file: b\n"))
        .containsExactly(
            "6:3 jdbc: set either password-env or password-file, not both",
            "2:8 jdbc: url must not hold a password; name it with password-env or password-file",
            "4:15 jdbc: properties must not hold a password ('password'); name it with"
                + " password-env or password-file")
        .noneMatch(p -> p.contains("hunter2"));
  }

  @Test
  void aUrlThatIsNotJdbcIsAnError() {
    assertThat(problems("jdbc:\n  url: postgres://u:pw@h/db\n  table: t\n"))
        .containsExactly(
            "2:8 jdbc: url must start with jdbc: (e.g. jdbc:postgresql://host:5432/db), found"
                + " 'postgres://u:***@h/db'");
  }

  @Test
  void createRefusesWhatValidateRefuses() {
    assertThatThrownBy(
            () ->
                JdbcOptions.parse(
                    Map.of("jdbc", Map.of("url", "jdbc:sqlite:a", "table", "t", "query", "q"))))
        .hasMessage("jdbc: set either table or query, not both");
    assertThatThrownBy(
            () ->
                JdbcOptions.parse(
                    Map.of(
                        "jdbc",
                        Map.of("url", "jdbc:sqlite:a", "table", "t", "mode", "incremental"))))
        .hasMessageContaining("mode incremental needs cursor");
    assertThatThrownBy(
            () -> JdbcOptions.parse(Map.of("jdbc", Map.of("url", "jdbc:x", "tabel", "t"))))
        .hasMessageContaining("unknown key 'tabel'")
        .hasMessageContaining("did you mean 'table'");
  }

  @Test
  void redactsPasswordsInUrls() {
    assertThat(JdbcUrls.redact("jdbc:mysql://u:secret@h:3306/db"))
        .isEqualTo("jdbc:mysql://u:***@h:3306/db");
    assertThat(JdbcUrls.redact("jdbc:sqlserver://h;user=u;password=secret;db=x"))
        .isEqualTo("jdbc:sqlserver://h;user=u;password=***;db=x");
    assertThat(JdbcUrls.redact("jdbc:postgresql://h/db?PASSWORD=s&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?PASSWORD=***&ssl=true");
    assertThat(JdbcUrls.hasPassword("jdbc:postgresql://h:5432/db?user=u")).isFalse();
  }
}
