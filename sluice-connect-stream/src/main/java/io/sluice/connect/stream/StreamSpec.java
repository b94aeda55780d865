package io.sluice.connect.stream;

import static io.sluice.config.ConfigType.integer;
import static io.sluice.config.ConfigType.oneOf;
import static io.sluice.config.ConfigType.section;
import static io.sluice.config.ConfigType.string;

import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigValues;

/** The keys of the {@code stream} connector: one section, {@code stream:}, of a source file. */
public final class StreamSpec {
  private StreamSpec() {}

  public static final ConfigKey<String> AUTH =
      ConfigKey.builder("auth", oneOf("token", "none"))
          .doc(
              "How pushes to the stream are authenticated: `token` (a bearer token, from"
                  + " `token-env` or `token-file`) or `none` (anyone who reaches the port may push).")
          .defaultValue("token")
          .build();
  public static final ConfigKey<String> TOKEN_ENV =
      ConfigKey.builder("token-env", string())
          .doc("Name of the environment variable holding the stream's bearer token (a secret).")
          .build();
  public static final ConfigKey<String> TOKEN_FILE =
      ConfigKey.builder("token-file", string())
          .doc(
              "File holding the stream's bearer token (a secret; surrounding whitespace ignored),"
                  + " relative to the project folder; keep it out of version control.")
          .build();
  public static final ConfigKey<String> PARTITION_KEY =
      ConfigKey.builder("partition-key", string())
          .doc(
              "Dotted JSON path of each record's partition key (e.g. `user.id`): records with the"
                  + " same key keep their order. Records without it are spread over the partitions.")
          .build();
  public static final ConfigKey<Integer> MAX_BATCH_RECORDS =
      ConfigKey.builder("max-batch-records", integer(1))
          .doc("Most records one batch reads from the stream; the rest waits for the next batch.")
          .defaultValue(1_000_000)
          .build();
  public static final ConfigDef STREAM_DEF =
      ConfigDef.builder(
              "stream",
              "Options of the `stream` connector: JSON records pushed over HTTP to `sluice serve`"
                  + " (`POST /v1/streams/<source>/records`), kept in the ingest log until landed.")
          .add(AUTH, TOKEN_ENV, TOKEN_FILE, PARTITION_KEY, MAX_BATCH_RECORDS)
          .build();
  public static final ConfigKey<ConfigValues> STREAM =
      ConfigKey.builder("stream", section(STREAM_DEF)).doc(STREAM_DEF.doc()).build();

  /** Every option of the connector: the {@code stream} section. */
  public static final ConfigDef OPTIONS =
      ConfigDef.builder("stream connector", "Options of the `stream` connector.")
          .add(STREAM)
          .build();
}
