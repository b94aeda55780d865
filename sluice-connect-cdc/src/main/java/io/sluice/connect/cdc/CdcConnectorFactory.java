package io.sluice.connect.cdc;

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
 * The {@code cdc} connector: the changes of PostgreSQL tables, read from a logical replication slot
 * with the built-in {@code pgoutput} plugin, after an initial consistent snapshot. Inserts and
 * updates are records, deletes are {@link io.sluice.api.source.RecordSink#deleted deletes}; a
 * batch's position is the log sequence number up to which its changes are included, and the slot is
 * told to let go of the log below it only once the batch is in the lake.
 */
public final class CdcConnectorFactory implements ConnectorFactory {
  /** The connector name used in source files: {@code connector: cdc}. */
  public static final String NAME = "cdc";

  private static final ConnectorCapabilities CAPABILITIES =
      new ConnectorCapabilities(
          PositionKind.LOG_SEQUENCE_NUMBER,
          Delivery.EXACTLY_ONCE,
          java.util.Set.of(),
          true,
          true,
          true,
          false);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Change data capture from PostgreSQL: an initial snapshot, then inserts, updates and"
        + " deletes from a logical replication slot (pgoutput); setup, delivery and limits in"
        + " [docs/connectors/postgres-cdc.md](../../connectors/postgres-cdc.md).";
  }

  @Override
  public ConfigDef options() {
    return CdcOptions.SOURCE_KEYS;
  }

  @Override
  public ConnectorCapabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public Map<String, Object> resolve(ConfigValues source, ProblemReporter problems) {
    ConfigValues section = source.get(CdcOptions.CDC);
    if (section.isSet(CdcOptions.PASSWORD_ENV) && section.isSet(CdcOptions.PASSWORD_FILE)) {
      problems.report(
          section.keyNodeOf(CdcOptions.PASSWORD_FILE),
          "set either password-env or password-file in cdc, not both");
    }
    if (section.find(CdcOptions.URL).filter(url -> url.contains("password=")).isPresent()) {
      problems.report(
          section.nodeOf(CdcOptions.URL),
          "cdc.url must not hold a password: name it with password-env or password-file");
    }
    if (!section.get(CdcOptions.CREATE) && section.get(CdcOptions.SNAPSHOT).equals("initial")) {
      problems.report(
          section.keyNodeOf(CdcOptions.CREATE),
          "cdc: snapshot initial needs create: true (a consistent snapshot is exported only when"
              + " Sluice creates the slot); with a slot you created, set snapshot: never");
    }
    return ConnectorFactory.written(options(), source);
  }

  /** The changes are rows, not JSON documents: the source's record functions do not apply. */
  @Override
  public Optional<String> functionsUnsupported(Map<String, Object> options) {
    return Optional.of(
        "the cdc connector reads table rows, not JSON documents: record functions do not run on"
            + " them (map columns with columns: instead)");
  }

  @Override
  public SourceConnector create(SourceContext context) {
    return new PostgresCdcConnector(context, CdcOptions.parse(context));
  }
}
