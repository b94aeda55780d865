package io.sluice.connect.stream;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code stream} connector: JSON records pushed to {@code sluice serve} and kept in the
 * project's ingest log until a batch lands them. Its options are the {@code stream:} section,
 * handed to the connector flattened, with defaults filled in.
 */
public final class StreamConnectorFactory implements ConnectorFactory {
  /** The connector name used in source files: {@code connector: stream}. */
  public static final String NAME = "stream";

  private static final ConnectorCapabilities CAPABILITIES =
      new ConnectorCapabilities(
          PositionKind.OFFSET,
          Delivery.EXACTLY_ONCE,
          Set.of("ndjson"),
          true,
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
    return "JSON records pushed over HTTP to `sluice serve` (`POST /v1/streams/<source>/records`),"
        + " kept in the durable ingest log until a batch lands them.";
  }

  @Override
  public ConfigDef options() {
    return StreamSpec.OPTIONS;
  }

  @Override
  public ConnectorCapabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public Map<String, Object> resolve(ConfigValues source, ProblemReporter problems) {
    ConfigValues stream = source.get(StreamSpec.STREAM);
    Map<String, Object> options = new LinkedHashMap<>();
    for (ConfigKey<?> key : StreamSpec.STREAM_DEF.keys()) {
      stream
          .find(key)
          .map(Object.class::cast)
          .or(() -> key.defaultValue().map(Object.class::cast))
          .ifPresent(value -> options.put(key.name(), value));
    }
    if (stream.get(StreamSpec.AUTH).equals("token")
        && !stream.isSet(StreamSpec.TOKEN_ENV)
        && !stream.isSet(StreamSpec.TOKEN_FILE)) {
      problems.report(
          source.isSet(StreamSpec.STREAM)
              ? source.nodeOf(StreamSpec.STREAM)
              : source.def().key("connector").map(source::nodeOf).orElse(source.anchor()),
          "a stream source needs a bearer token for its pushes: set stream.token-env (an"
              + " environment variable) or stream.token-file, or stream.auth: none to accept"
              + " pushes without one");
    }
    if (stream.isSet(StreamSpec.TOKEN_ENV) && stream.isSet(StreamSpec.TOKEN_FILE)) {
      problems.report(
          stream.keyNodeOf(StreamSpec.TOKEN_FILE), "set one of token-env and token-file, not both");
    }
    if (stream.get(StreamSpec.AUTH).equals("none")) {
      for (ConfigKey<String> key : List.of(StreamSpec.TOKEN_ENV, StreamSpec.TOKEN_FILE)) {
        if (stream.isSet(key)) {
          problems.report(
              stream.keyNodeOf(key), key.name() + " has no effect with auth: none; remove one");
        }
      }
    }
    return options;
  }

  @Override
  public SourceConnector create(SourceContext context) {
    return new StreamConnector(context);
  }

  /**
   * The records pushed to {@code sluice serve} for this source: namespace {@code sluice-stream},
   * name the project folder and the source ({@code /srv/shop/clicks}).
   */
  @Override
  public java.util.Optional<io.sluice.api.source.LineageDataset> lineageDataset(
      String sourceName,
      java.nio.file.Path projectDirectory,
      java.util.Map<String, Object> options) {
    return java.util.Optional.of(
        new io.sluice.api.source.LineageDataset(
            "sluice-stream", projectDirectory.resolve(sourceName).toString()));
  }
}
