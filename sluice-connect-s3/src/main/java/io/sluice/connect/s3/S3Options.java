package io.sluice.connect.s3;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import io.sluice.connect.files.Glob;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The options of an {@code s3} source, read from its {@code s3:} section. The core has checked each
 * key against {@link S3Spec} when the source came from a project; the checks here keep a connector
 * created any other way from running on nonsense, with the same names in messages.
 *
 * @param bucket the bucket
 * @param prefix the key prefix listed, possibly empty
 * @param glob the pattern whole keys must match, if any
 * @param endpoint the endpoint of an S3-compatible store, if not AWS
 * @param region the region, if set
 * @param pathStyle whether the bucket is addressed in the URL path
 * @param accessKeyEnv the variable of the access key id, if credentials come from the environment
 * @param secretKeyEnv the variable of the secret key, set with {@code accessKeyEnv}
 * @param sessionTokenEnv the variable of a session token, if any
 * @param formatOptions {@code format}, {@code csv} and {@code json} as written, for {@link
 *     io.sluice.connect.files.RecordFiles}
 * @param onChange {@code fail}, {@code skip} or {@code append}
 */
record S3Options(
    String bucket,
    String prefix,
    Optional<String> glob,
    Optional<URI> endpoint,
    Optional<String> region,
    boolean pathStyle,
    Optional<String> accessKeyEnv,
    Optional<String> secretKeyEnv,
    Optional<String> sessionTokenEnv,
    Map<String, Object> formatOptions,
    String onChange) {

  static final String SECTION = "s3";

  S3Options {
    requireNonNull(bucket, "bucket is null");
    requireNonNull(prefix, "prefix is null");
    formatOptions = Map.copyOf(formatOptions);
  }

  /** The prefix objects are listed under: {@code prefix}, else the glob's literal head. */
  String listPrefix() {
    if (!prefix.isEmpty() || glob.isEmpty()) {
      return prefix;
    }
    String pattern = glob.get();
    int end = 0;
    while (end < pattern.length() && "*?[{\\".indexOf(pattern.charAt(end)) < 0) {
      end++;
    }
    return pattern.substring(0, end);
  }

  /** The names the format is told from when {@code format} is not set. */
  String namePattern() {
    return glob.orElse(prefix);
  }

  /** Whether a listed key is one of the source's objects. */
  boolean matches(String key, Optional<Pattern> pattern) {
    if (!key.startsWith(prefix) || key.endsWith("/")) {
      return false;
    }
    String name = key.substring(key.lastIndexOf('/') + 1);
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    if (name.startsWith(".") || lower.endsWith(".crc") || lower.endsWith(".tmp")) {
      return false;
    }
    return pattern.map(p -> p.matcher(key).matches()).orElse(true);
  }

  Optional<Pattern> globPattern(String sourceName) {
    return glob.map(
        g -> {
          try {
            return Glob.compile(g);
          } catch (IllegalArgumentException e) {
            throw SluiceException.user(
                "Source '%s': option 's3.glob' '%s' is not a valid glob: %s",
                sourceName, g, e.getMessage());
          }
        });
  }

  private static final Set<String> KEYS =
      Set.copyOf(S3Spec.S3_DEF.keys().stream().map(k -> k.name()).toList());

  /**
   * Reads the {@code s3} section of {@code options}.
   *
   * @throws SluiceException (USER) naming the source and the option
   */
  static S3Options parse(String sourceName, Map<String, Object> options) {
    Object section = options.get(SECTION);
    if (!(section instanceof Map<?, ?> values)) {
      throw SluiceException.user(
          "Source '%s': option 's3' is required: a map with at least 'bucket'", sourceName);
    }
    for (Object key : options.keySet()) {
      if (!SECTION.equals(key)) {
        throw SluiceException.user(
            "Source '%s': unknown option '%s' of the s3 connector; its options are in 's3'",
            sourceName, key);
      }
    }
    Reader reader = new Reader(sourceName, values);
    List<String> unknown =
        new TreeSet<>(values.keySet().stream().map(String::valueOf).toList())
            .stream().filter(k -> !KEYS.contains(k)).toList();
    if (!unknown.isEmpty()) {
      throw SluiceException.user(
          "Source '%s': unknown option%s %s in 's3'; known options: %s",
          sourceName,
          unknown.size() == 1 ? "" : "s",
          String.join(", ", unknown.stream().map(k -> "'s3." + k + "'").toList()),
          String.join(", ", new TreeSet<>(KEYS)));
    }
    String bucket =
        reader
            .string(S3Spec.BUCKET.name())
            .filter(b -> !b.isBlank())
            .orElseThrow(() -> reader.invalid(S3Spec.BUCKET.name(), "is required"));
    Optional<URI> endpoint =
        reader
            .string(S3Spec.ENDPOINT.name())
            .map(
                text -> {
                  try {
                    URI uri = new URI(text);
                    if (uri.getScheme() == null
                        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                        || uri.getHost() == null) {
                      throw reader.invalid(
                          S3Spec.ENDPOINT.name(),
                          "must be an http:// or https:// URL with a host, found '%s'",
                          text);
                    }
                    return uri;
                  } catch (URISyntaxException e) {
                    throw reader.invalid(
                        S3Spec.ENDPOINT.name(), "is not a URL: '%s' (%s)", text, e.getReason());
                  }
                });
    Optional<String> accessKeyEnv = reader.string(S3Spec.ACCESS_KEY_ENV.name());
    Optional<String> secretKeyEnv = reader.string(S3Spec.SECRET_KEY_ENV.name());
    if (accessKeyEnv.isPresent() != secretKeyEnv.isPresent()) {
      throw reader.invalid(
          accessKeyEnv.isPresent() ? S3Spec.SECRET_KEY_ENV.name() : S3Spec.ACCESS_KEY_ENV.name(),
          "is required with 's3.%s'",
          accessKeyEnv.isPresent() ? S3Spec.ACCESS_KEY_ENV.name() : S3Spec.SECRET_KEY_ENV.name());
    }
    String onChange = reader.string(S3Spec.ON_CHANGE.name()).orElse("fail");
    if (!List.of("fail", "skip", "append").contains(onChange)) {
      throw reader.invalid(
          S3Spec.ON_CHANGE.name(), "must be fail, skip or append, found '%s'", onChange);
    }
    Map<String, Object> formatOptions = new LinkedHashMap<>();
    for (String key : List.of(S3Spec.FORMAT.name(), S3Spec.CSV.name(), S3Spec.JSON.name())) {
      if (values.get(key) != null) {
        formatOptions.put(key, values.get(key));
      }
    }
    return new S3Options(
        bucket,
        reader.string(S3Spec.PREFIX.name()).orElse(""),
        reader.string(S3Spec.GLOB.name()),
        endpoint,
        reader.string(S3Spec.REGION.name()),
        reader.bool(S3Spec.PATH_STYLE.name()).orElse(false),
        accessKeyEnv,
        secretKeyEnv,
        reader.string(S3Spec.SESSION_TOKEN_ENV.name()),
        formatOptions,
        onChange);
  }

  private record Reader(String sourceName, Map<?, ?> values) {
    Optional<String> string(String key) {
      Object value = values.get(key);
      if (value == null) {
        return Optional.empty();
      }
      if (!(value instanceof String text)) {
        throw invalid(key, "must be text, found %s", value);
      }
      return Optional.of(text);
    }

    Optional<Boolean> bool(String key) {
      Object value = values.get(key);
      if (value == null) {
        return Optional.empty();
      }
      if (!(value instanceof Boolean flag)) {
        throw invalid(key, "must be true or false, found %s", value);
      }
      return Optional.of(flag);
    }

    SluiceException invalid(String key, String format, Object... args) {
      return SluiceException.user(
          "Source '%s': option 's3.%s' %s", sourceName, key, String.format(format, args));
    }
  }
}
