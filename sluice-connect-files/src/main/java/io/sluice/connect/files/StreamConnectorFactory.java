package io.sluice.connect.files;

import io.sluice.api.source.ConnectorFactory;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;

/**
 * The {@code stream} connector: JSON records pushed to {@code sluice serve} and kept in the
 * project's ingest log until a batch lands them. It lives beside the files connector because both
 * read JSON records the same way (field paths, record functions).
 */
public final class StreamConnectorFactory implements ConnectorFactory {
  /** The connector name used in source files: {@code connector: stream}. */
  public static final String NAME = "stream";

  @Override
  public String name() {
    return NAME;
  }

  // Placeholders until the connector boundary lands on main (the lead's branch defines them).
  @Override
  public String description() {
    return NAME;
  }

  @Override
  public io.sluice.config.ConfigDef options() {
    return io.sluice.config.ConfigDef.builder(NAME, NAME).build();
  }

  @Override
  public io.sluice.api.source.ConnectorCapabilities capabilities() {
    return new io.sluice.api.source.ConnectorCapabilities(
        io.sluice.api.source.ConnectorCapabilities.PositionKind.OFFSET,
        io.sluice.api.source.ConnectorCapabilities.Delivery.EXACTLY_ONCE,
        java.util.Set.of(),
        true,
        true,
        false,
        false);
  }

  @Override
  public SourceConnector create(SourceContext context) {
    return new StreamConnector(context);
  }
}
