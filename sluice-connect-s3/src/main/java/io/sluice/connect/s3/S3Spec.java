package io.sluice.connect.s3;

import static io.sluice.config.ConfigType.bool;
import static io.sluice.config.ConfigType.oneOf;
import static io.sluice.config.ConfigType.section;
import static io.sluice.config.ConfigType.string;

import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigValues;
import io.sluice.connect.files.FilesSpec;

/**
 * The keys of the {@code s3} connector: one section, {@code s3:}, beside the core's keys of a
 * source file. Defined once, here: the core checks source files with them, the reference page is
 * generated from them, and {@link S3Options} reads the checked values.
 */
final class S3Spec {
  private S3Spec() {}

  static final ConfigKey<String> BUCKET =
      ConfigKey.builder("bucket", string())
          .doc("The bucket to read objects from.")
          .required()
          .build();
  static final ConfigKey<String> PREFIX =
      ConfigKey.builder("prefix", string())
          .doc(
              "Only objects whose key starts with this are read, e.g. `orders/`. Listing is done"
                  + " under it, so a narrow prefix makes planning cheap.")
          .defaultValue("")
          .build();
  static final ConfigKey<String> GLOB =
      ConfigKey.builder("glob", string())
          .doc(
              "Only objects whose whole key matches this glob are read (`*`, `?`, `[ab]`, `{a,b}`"
                  + " within one `/`-separated segment, `**` across segments), e.g."
                  + " `orders/2024-*/*.csv.gz`. Without a `prefix`, objects are listed under the"
                  + " glob's part before its first wildcard.")
          .defaultDoc("every object under `prefix`")
          .build();
  static final ConfigKey<String> ENDPOINT =
      ConfigKey.builder("endpoint", string())
          .doc(
              "The endpoint of an S3-compatible store (MinIO, Ceph, R2, s3proxy, ...), e.g."
                  + " `http://127.0.0.1:9000`.")
          .defaultDoc("AWS S3 of `region`")
          .build();
  static final ConfigKey<String> REGION =
      ConfigKey.builder("region", string())
          .doc("The bucket's region, e.g. `eu-west-1`.")
          .defaultDoc(
              "the AWS default region chain (`AWS_REGION`, the profile); `us-east-1` when"
                  + " `endpoint` is set")
          .build();
  static final ConfigKey<Boolean> PATH_STYLE =
      ConfigKey.builder("path-style", bool())
          .doc(
              "Address the bucket in the URL path (`http://host/bucket/key`) rather than as a host"
                  + " name; most S3-compatible stores need it.")
          .defaultValue(false)
          .build();
  static final ConfigKey<String> ACCESS_KEY_ENV =
      ConfigKey.builder("access-key-env", string())
          .doc("The environment variable holding the access key id. With `secret-key-env`.")
          .defaultDoc("the AWS default credentials chain")
          .build();
  static final ConfigKey<String> SECRET_KEY_ENV =
      ConfigKey.builder("secret-key-env", string())
          .doc("The environment variable holding the secret access key.")
          .defaultDoc("the AWS default credentials chain")
          .build();
  static final ConfigKey<String> SESSION_TOKEN_ENV =
      ConfigKey.builder("session-token-env", string())
          .doc("The environment variable holding a session token, for temporary credentials." + "")
          .defaultDoc("none")
          .build();
  static final ConfigKey<String> FORMAT =
      ConfigKey.builder("format", oneOf("csv", "json", "parquet"))
          .doc(
              "Object format: `csv`, `json` (NDJSON or one JSON array) or `parquet`; CSV and JSON"
                  + " objects may be compressed (`.gz`, `.zst`).")
          .defaultDoc(
              "from the extension of `glob` (else `prefix`): `.csv` / `.tsv`, `.json` / `.jsonl` /"
                  + " `.ndjson`, `.parquet`, CSV and JSON names also with `.gz` or `.zst` after them")
          .build();

  /** How CSV objects are read: the {@code files} connector's {@code csv} section. */
  static final ConfigKey<ConfigValues> CSV = FilesSpec.CSV;

  /** How JSON objects are read: the {@code files} connector's {@code json} section. */
  static final ConfigKey<ConfigValues> JSON = FilesSpec.JSON;

  static final ConfigKey<String> ON_CHANGE =
      ConfigKey.builder("on-change", oneOf("fail", "skip", "append"))
          .doc(
              "When an object already read has changed (another ETag or size): `fail` the run"
                  + " (naming the object), `skip` it (with a note in the run), or `append` its"
                  + " records again.")
          .defaultDoc("`defaults.on-change` of sluice.yaml, else `fail`")
          .build();

  static final ConfigDef S3_DEF =
      ConfigDef.builder("s3", "Where the objects are and how they are read.")
          .add(
              BUCKET,
              PREFIX,
              GLOB,
              ENDPOINT,
              REGION,
              PATH_STYLE,
              ACCESS_KEY_ENV,
              SECRET_KEY_ENV,
              SESSION_TOKEN_ENV,
              FORMAT,
              CSV,
              JSON,
              ON_CHANGE)
          .build();

  static final ConfigKey<ConfigValues> S3 =
      ConfigKey.builder("s3", section(S3_DEF)).doc(S3_DEF.doc()).required().build();

  /** Every option of the connector: one section. */
  static final ConfigDef OPTIONS =
      ConfigDef.builder("s3 connector", "Options of the `s3` connector.").add(S3).build();
}
