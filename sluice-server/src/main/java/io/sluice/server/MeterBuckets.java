package io.sluice.server;

import java.time.Duration;

/** Bucket bounds of the histograms Sluice serves, one set per kind of duration. */
public final class MeterBuckets {
  private static final Duration[] LATENCY = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  private static final Duration[] WORK = {
    Duration.ofMillis(10),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(5)
  };

  private MeterBuckets() {}

  /** Of the pipeline's own work, batches and their steps: 10 ms to 5 min. */
  public static Duration[] work() {
    return WORK.clone();
  }

  /** Of what a client waits for, from a health check to a slow query: 1 ms to 30 s. */
  public static Duration[] latency() {
    return LATENCY.clone();
  }
}
