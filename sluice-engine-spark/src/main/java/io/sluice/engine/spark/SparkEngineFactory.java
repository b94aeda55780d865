package io.sluice.engine.spark;

import io.sluice.api.engine.Engine;
import io.sluice.api.engine.EngineContext;
import io.sluice.api.engine.EngineFactory;

/**
 * The scale-out engine: Apache Spark, in this process ({@code local[N]}) or on a cluster.
 *
 * <p>Options ({@code engine-options} in {@code sluice.yaml}): {@code master} (Spark's master URL,
 * default {@code local[2]}; under {@code spark-submit} the command line's) and any {@code spark.*}
 * key, passed to the session builder. The warehouse is a folder of Parquet tables (see {@code
 * docs/engines.md}). One Spark engine at a time may be open in a JVM.
 */
public final class SparkEngineFactory implements EngineFactory {
  @Override
  public String name() {
    return "spark";
  }

  @Override
  public Engine create(EngineContext context) {
    return SparkEngine.open(context);
  }
}
