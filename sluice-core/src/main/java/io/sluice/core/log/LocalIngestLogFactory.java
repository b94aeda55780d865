package io.sluice.core.log;

import io.sluice.api.log.IngestLog;
import io.sluice.api.log.IngestLogFactory;
import io.sluice.api.log.IngestLogSettings;

/** Creates the embedded segment-file log; found by {@link java.util.ServiceLoader} as "local". */
public final class LocalIngestLogFactory implements IngestLogFactory {
  @Override
  public String name() {
    return "local";
  }

  @Override
  public IngestLog create(IngestLogSettings settings) {
    return new LocalIngestLog(settings);
  }
}
