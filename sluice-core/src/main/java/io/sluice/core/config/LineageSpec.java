package io.sluice.core.config;

import static io.sluice.config.ConfigType.duration;
import static io.sluice.config.ConfigType.oneOf;
import static io.sluice.config.ConfigType.section;
import static io.sluice.config.ConfigType.string;

import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigValues;
import java.time.Duration;

/**
 * The {@code lineage} section of {@code sluice.yaml}: where the OpenLineage events of runs go. See
 * docs/lineage.md.
 */
public final class LineageSpec {
  private LineageSpec() {}

  public static final ConfigKey<String> TRANSPORT =
      ConfigKey.builder("transport", oneOf("none", "file", "http"))
          .doc(
              "Where each run's OpenLineage events (START, then COMPLETE, FAIL or ABORT) go:"
                  + " `none`, `file` (one JSON event per line, appended to `path`) or `http` (POSTed"
                  + " to `url`). A transport that fails never fails the run: it is logged as a"
                  + " warning.")
          .defaultValue("none")
          .build();
  public static final ConfigKey<String> PATH =
      ConfigKey.builder("path", string())
          .doc(
              "For `transport: file`: the file the events are appended to, relative to the project"
                  + " folder.")
          .defaultDoc("`<state-dir>/lineage.jsonl`")
          .build();
  public static final ConfigKey<String> URL =
      ConfigKey.builder("url", string())
          .doc(
              "For `transport: http` (required there): the endpoint events are POSTed to, e.g."
                  + " Marquez's `http://localhost:5000/api/v1/lineage`.")
          .build();
  public static final ConfigKey<Duration> TIMEOUT =
      ConfigKey.builder("timeout", duration())
          .doc(
              "For `transport: http`: the longest one event's POST may take, connecting included;"
                  + " a slower endpoint is logged as a failed delivery.")
          .defaultValue(Duration.ofSeconds(5))
          .build();
  public static final ConfigKey<String> API_KEY_ENV =
      ConfigKey.builder("api-key-env", string())
          .doc(
              "For `transport: http`: environment variable holding an API key, sent as `Authorization:"
                  + " Bearer <key>`.")
          .build();
  public static final ConfigKey<String> NAMESPACE =
      ConfigKey.builder("namespace", string())
          .doc("The OpenLineage namespace of the project's jobs.")
          .defaultDoc("the project's `name`")
          .build();

  public static final ConfigDef LINEAGE_DEF =
      ConfigDef.builder(
              "lineage",
              "OpenLineage events for every run (`sluice run`, scheduled runs, `serve`'s"
                  + " micro-batches, backfills): its job, its input and output datasets with their"
                  + " schemas, how it ended. See docs/lineage.md.")
          .add(TRANSPORT, PATH, URL, TIMEOUT, API_KEY_ENV, NAMESPACE)
          .build();

  public static final ConfigKey<ConfigValues> LINEAGE =
      ConfigKey.builder("lineage", section(LINEAGE_DEF)).doc(LINEAGE_DEF.doc()).build();
}
