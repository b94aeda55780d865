package io.sluice.connect.jdbc;

import io.sluice.api.source.ConnectorCapabilities;
import io.sluice.api.source.ConnectorCapabilities.Delivery;
import io.sluice.api.source.ConnectorCapabilities.PositionKind;
import io.sluice.api.source.ConnectorFactory;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigValues;
import io.sluice.config.ProblemReporter;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code jdbc} connector: a table or query of a database reached over JDBC, read whole each run
 * ({@code mode: full-refresh}) or by cursor columns ({@code mode: incremental}), one split per run
 * whose position is the high-water mark of the cursor.
 */
public final class JdbcConnectorFactory implements ConnectorFactory {
  /** The connector name used in source files: {@code connector: jdbc}. */
  public static final String NAME = "jdbc";

  private static final ConnectorCapabilities CAPABILITIES =
      new ConnectorCapabilities(
          PositionKind.CURSOR_VALUE,
          // a restart reads again the rows above the committed mark: with a primary-key their
          // merge keeps each row once; rows re-read in the lookback window are repeats in raw
          Delivery.AT_LEAST_ONCE,
          java.util.Set.of(),
          false,
          false,
          false,
          true);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "A table or query of PostgreSQL, MySQL/MariaDB, SQLite or any JDBC database, read whole"
        + " each run or incrementally by cursor columns with a lookback window for late rows.";
  }

  @Override
  public ConfigDef options() {
    return JdbcOptions.OPTIONS;
  }

  @Override
  public ConnectorCapabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public Map<String, Object> resolve(ConfigValues source, ProblemReporter problems) {
    source.find(JdbcOptions.SECTION).ifPresent(jdbc -> JdbcOptions.check(jdbc, problems));
    return ConnectorFactory.written(options(), source);
  }

  @Override
  public Optional<String> functionsUnsupported(Map<String, Object> options) {
    return Optional.of(
        "the jdbc connector does not run record functions: compute in jdbc's query (SQL) or in a"
            + " model");
  }

  @Override
  public SourceConnector create(SourceContext context) {
    return new JdbcConnector(context, JdbcOptions.parse(context.options()));
  }
}
