package io.sluice.connect.s3;

import io.sluice.api.source.ConnectorCapabilities;
import io.sluice.api.source.ConnectorCapabilities.Delivery;
import io.sluice.api.source.ConnectorCapabilities.PositionKind;
import io.sluice.api.source.ConnectorFactory;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigValues;
import io.sluice.config.ProblemReporter;
import io.sluice.connect.files.RecordFiles;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code s3} connector: CSV, JSON and Parquet objects (CSV and JSON also compressed, {@code
 * .gz} or {@code .zst}) from a bucket of AWS S3 or of an S3-compatible store. Each object is one
 * split; its position is its size and ETag, so that new objects are read by the next run and
 * changed ones are handled by {@code on-change}, as the {@code files} connector handles files.
 */
public final class S3ConnectorFactory implements ConnectorFactory {
  /** The connector name used in source files: {@code connector: s3}. */
  public static final String NAME = "s3";

  private static final ConnectorCapabilities CAPABILITIES =
      new ConnectorCapabilities(
          PositionKind.FILE_SET,
          Delivery.EXACTLY_ONCE,
          Set.of("parquet"),
          true,
          false,
          false,
          true);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "CSV, JSON and Parquet objects (CSV and JSON also .gz or .zst) from a bucket of AWS S3 or"
        + " an S3-compatible store; each object is read once, and a changed object (another ETag)"
        + " is handled by `on-change`.";
  }

  @Override
  public ConfigDef options() {
    return S3Spec.OPTIONS;
  }

  @Override
  public ConnectorCapabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public Map<String, Object> resolve(ConfigValues source, ProblemReporter problems) {
    Map<String, Object> options = ConnectorFactory.written(S3Spec.OPTIONS, source);
    Optional<ConfigValues> s3 = source.find(S3Spec.S3);
    if (s3.isEmpty()) {
      return options;
    }
    ConfigValues values = s3.get();
    boolean access = values.isSet(S3Spec.ACCESS_KEY_ENV);
    boolean secret = values.isSet(S3Spec.SECRET_KEY_ENV);
    if (access && !secret) {
      problems.report(
          values.keyNodeOf(S3Spec.ACCESS_KEY_ENV), "s3.access-key-env needs s3.secret-key-env");
    } else if (secret && !access) {
      problems.report(
          values.keyNodeOf(S3Spec.SECRET_KEY_ENV), "s3.secret-key-env needs s3.access-key-env");
    }
    if (values.isSet(S3Spec.SESSION_TOKEN_ENV) && !access) {
      problems.report(
          values.keyNodeOf(S3Spec.SESSION_TOKEN_ENV),
          "s3.session-token-env needs s3.access-key-env and s3.secret-key-env");
    }
    if (!values.isSet(S3Spec.FORMAT)) {
      ConfigKey<String> named = values.isSet(S3Spec.GLOB) ? S3Spec.GLOB : S3Spec.PREFIX;
      String name = values.find(named).orElse("");
      if (RecordFiles.formatOf(name).isEmpty()) {
        problems.report(
            values.isSet(named) ? values.nodeOf(named) : source.keyNodeOf(S3Spec.S3),
            "cannot tell the format of the objects from "
                + (name.isEmpty() ? "no glob or prefix" : "'" + name + "'")
                + " (.csv, .tsv, .json, .ndjson, .jsonl or .parquet, CSV and JSON also with .gz or"
                + " .zst after them); set s3.format to csv, json or parquet");
      }
    }
    return options;
  }

  @Override
  public SourceConnector create(SourceContext context) {
    return new S3Connector(context, S3Options.parse(context.sourceName(), context.options()));
  }

  /**
   * The objects the source reads, named as OpenLineage names S3 data: namespace {@code
   * s3://<bucket>}, name the key prefix ({@code /} for the whole bucket).
   */
  @Override
  public java.util.Optional<io.sluice.api.source.LineageDataset> lineageDataset(
      String sourceName,
      java.nio.file.Path projectDirectory,
      java.util.Map<String, Object> options) {
    S3Options parsed = S3Options.parse(sourceName, options);
    return java.util.Optional.of(
        new io.sluice.api.source.LineageDataset(
            "s3://" + parsed.bucket(), parsed.prefix().isEmpty() ? "/" : parsed.prefix()));
  }
}
