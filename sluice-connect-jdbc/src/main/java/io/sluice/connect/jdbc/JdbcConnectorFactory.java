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

  /**
   * The table the source reads, named as OpenLineage names database tables: the server ({@code
   * postgres://host:5432}, {@code mysql://host:3306}) as namespace, {@code database.table} as name;
   * a source that reads a query names it {@code database.query:<source>}. Never a credential.
   */
  @Override
  public java.util.Optional<io.sluice.api.source.LineageDataset> lineageDataset(
      String sourceName,
      java.nio.file.Path projectDirectory,
      java.util.Map<String, Object> options) {
    JdbcOptions parsed = JdbcOptions.parse(options);
    String relation = parsed.table().orElse("query:" + sourceName);
    String url = parsed.url().startsWith("jdbc:") ? parsed.url().substring(5) : parsed.url();
    try {
      java.net.URI uri = new java.net.URI(url);
      String scheme = "postgresql".equals(uri.getScheme()) ? "postgres" : uri.getScheme();
      if (uri.getHost() != null) {
        String server =
            scheme + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        return java.util.Optional.of(
            new io.sluice.api.source.LineageDataset(
                server, database.isEmpty() ? relation : database + "." + relation));
      }
    } catch (java.net.URISyntaxException e) {
      // not a hierarchical URL (e.g. jdbc:sqlite:/path/file.db): named below
    }
    int colon = url.indexOf(':');
    String scheme = colon < 0 ? url : url.substring(0, colon);
    String rest = colon < 0 ? "" : url.substring(colon + 1).replaceFirst("[?;].*$", "");
    return java.util.Optional.of(
        new io.sluice.api.source.LineageDataset(
            scheme, rest.isEmpty() ? relation : rest + "." + relation));
  }
}
