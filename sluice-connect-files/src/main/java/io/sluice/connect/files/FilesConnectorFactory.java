package io.sluice.connect.files;

import io.sluice.api.source.ConnectorFactory;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;

/**
 * The {@code files} connector: CSV, NDJSON/JSON and Parquet files from a file, a folder or a glob
 * on local disk. Each file is one split; its position is a fingerprint ({@code
 * size:mtimeMillis:crc32c}) so that changed files are noticed and handled by the {@code on-change}
 * option.
 */
public final class FilesConnectorFactory implements ConnectorFactory {
  /** The connector name used in source files: {@code connector: files}. */
  public static final String NAME = "files";

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
        io.sluice.api.source.ConnectorCapabilities.PositionKind.FILE_SET,
        io.sluice.api.source.ConnectorCapabilities.Delivery.EXACTLY_ONCE,
        java.util.Set.of("parquet", "ndjson"),
        true,
        false,
        false,
        true);
  }

  @Override
  public SourceConnector create(SourceContext context) {
    return new FilesConnector(context, FilesOptions.parse(context), FilesConnector.MAX_RECORD_SIZE);
  }
}
