package io.sluice.connect.s3;

import static java.util.Objects.requireNonNull;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import io.sluice.connect.files.Compression;
import io.sluice.connect.files.RecordFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * An {@code s3} source: plans the objects under a prefix (and glob) as splits, one per object, with
 * the object's size and ETag as its position; reads CSV and JSON objects record by record through
 * {@link RecordFiles} from a downloaded copy, and offers Parquet objects to the engine as local
 * copies under the state directory.
 */
final class S3Connector implements SourceConnector {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);

  private final String sourceName;
  private final S3Options options;
  private final RecordFiles files;
  private final Optional<Pattern> pattern;
  private final Path tempDirectory;
  private final Path objectDirectory;
  private final String credentialsSource;
  private final AwsCredentialsProvider credentials;
  private final S3Client client;
  // Parquet objects copied for the engine, by split key; deleted once committed or on close.
  private final Map<String, Path> copies = new HashMap<>();
  private boolean closed;

  S3Connector(SourceContext context, S3Options options) {
    this.sourceName = context.sourceName();
    this.options = requireNonNull(options, "options is null");
    this.files = RecordFiles.create(context, options.formatOptions(), options.namePattern());
    this.pattern = options.globPattern(sourceName);
    this.tempDirectory = context.stateDirectory().resolve("tmp");
    this.objectDirectory = context.stateDirectory().resolve("objects");
    if (options.accessKeyEnv().isPresent()) {
      String accessKey = variable(context, S3Spec.ACCESS_KEY_ENV.name(), options.accessKeyEnv());
      String secretKey = variable(context, S3Spec.SECRET_KEY_ENV.name(), options.secretKeyEnv());
      Optional<String> token =
          options
              .sessionTokenEnv()
              .map(v -> variable(context, "session-token-env", Optional.of(v)));
      this.credentials =
          StaticCredentialsProvider.create(
              token.isPresent()
                  ? AwsSessionCredentials.create(accessKey, secretKey, token.get())
                  : AwsBasicCredentials.create(accessKey, secretKey));
      this.credentialsSource =
          "the credentials come from environment variables "
              + options.accessKeyEnv().get()
              + " and "
              + options.secretKeyEnv().get();
    } else {
      this.credentials = DefaultCredentialsProvider.builder().build();
      this.credentialsSource =
          "the credentials come from the AWS default chain (AWS_ACCESS_KEY_ID, the profile, the"
              + " instance role); set s3.access-key-env and s3.secret-key-env to name others";
    }
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .socketTimeout(SOCKET_TIMEOUT)
                    .build())
            .region(region(options))
            .forcePathStyle(options.pathStyle())
            .credentialsProvider(credentials)
            // S3-compatible stores do not all know the newer checksum headers: send and check
            // them only where S3 requires them.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    options.endpoint().ifPresent(builder::endpointOverride);
    this.client = builder.build();
  }

  private Region region(S3Options options) {
    if (options.region().isPresent()) {
      return Region.of(options.region().get());
    }
    if (options.endpoint().isPresent()) {
      return Region.US_EAST_1;
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      throw SluiceException.user(
          "Source '%s': cannot tell the region of bucket '%s': set option 's3.region' (or"
              + " AWS_REGION, or a profile's region)",
          sourceName, options.bucket());
    }
  }

  private String variable(SourceContext context, String option, Optional<String> name) {
    String variable = name.orElseThrow();
    String value = context.environment().get(variable);
    if (value == null || value.isEmpty()) {
      throw SluiceException.user(
          "Source '%s': option 's3.%s' names environment variable %s, which is not set",
          sourceName, option, variable);
    }
    return value;
  }

  @Override
  public SplitPlan plan(Map<String, String> committed) {
    requireNonNull(committed, "committed is null");
    checkOpen();
    List<S3Object> objects = list(Integer.MAX_VALUE);
    List<Split> splits = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    for (S3Object object : objects) {
      String key = splitKey(object.key());
      ObjectPosition now = new ObjectPosition(object.size(), ObjectPosition.unquote(object.eTag()));
      String previousText = committed.get(key);
      if (previousText != null) {
        ObjectPosition previous =
            ObjectPosition.parse(previousText)
                .orElseThrow(
                    () ->
                        new SluiceException(
                            ErrorCategory.INTERNAL,
                            String.format(
                                "Source '%s': the committed position '%s' of object '%s' is not"
                                    + " an object position (size:etag)",
                                sourceName, previousText, key)));
        if (previous.equals(now)) {
          continue;
        }
        String change = "'" + key + "' (" + previous.describeChange(now) + ")";
        switch (options.onChange()) {
          case "fail":
            changed.add(change);
            continue;
          case "skip":
            skipped.add(
                "object "
                    + change
                    + " changed after it was landed; left out because on-change is 'skip'");
            continue;
          default:
            break;
        }
      }
      splits.add(new Split(key, now.position(), location(object.key(), now), object.size()));
    }
    if (!changed.isEmpty()) {
      throw SluiceException.user(
          "Source '%s': %s already landed %s changed since: %s. Set option 's3.on-change' to"
              + " 'skip' to leave changed objects out, or to 'append' to land them again (their"
              + " records are then landed a second time)",
          sourceName,
          changed.size() == 1 ? "an object that was" : changed.size() + " objects that were",
          changed.size() == 1 ? "has" : "have",
          String.join("; ", changed));
    }
    return new SplitPlan(splits, skipped);
  }

  /** The first objects by key, unread: positions are empty. */
  @Override
  public List<Split> sample(int max) {
    checkOpen();
    return list(max).stream()
        .map(
            object ->
                new Split(
                    splitKey(object.key()),
                    "",
                    location(object.key(), new ObjectPosition(object.size(), "")),
                    object.size()))
        .toList();
  }

  @Override
  public Optional<NativeFormat> nativeFormat(Split split) {
    requireNonNull(split, "split is null");
    checkOpen();
    String key = objectKey(split.key());
    Optional<String> unsupported = files.unsupported(split.key(), Compression.ofName(key));
    if (unsupported.isPresent()) {
      throw SluiceException.user("%s", unsupported.get());
    }
    if (!files.format().equals("parquet")) {
      return Optional.empty();
    }
    copyForEngine(split);
    return Optional.of(new NativeFormat("parquet", Map.of()));
  }

  @Override
  public Optional<List<ObservedField>> observe(Split split) {
    requireNonNull(split, "split is null");
    checkOpen();
    String key = objectKey(split.key());
    try {
      if (files.format().equals("parquet")) {
        files
            .unsupported(split.key(), Compression.ofName(key))
            .ifPresent(
                message -> {
                  throw SluiceException.user("%s", message);
                });
        return files.observe(split.key(), copyForEngine(split), Compression.NONE, tempDirectory);
      }
      Path copy = download(split, key);
      try {
        return files.observe(split.key(), copy, Compression.ofName(key), tempDirectory);
      } finally {
        Files.deleteIfExists(copy);
      }
    } catch (IOException e) {
      throw cannotRead(split.key(), e);
    }
  }

  @Override
  public void read(Split split, RecordSink sink) {
    requireNonNull(split, "split is null");
    requireNonNull(sink, "sink is null");
    checkOpen();
    String key = objectKey(split.key());
    files
        .unsupported(split.key(), Compression.ofName(key))
        .ifPresent(
            message -> {
              throw SluiceException.user("%s", message);
            });
    try {
      Path copy = download(split, key);
      try {
        files.read(split.key(), copy, Compression.ofName(key), tempDirectory, sink);
      } finally {
        Files.deleteIfExists(copy);
      }
    } catch (IOException e) {
      throw cannotRead(split.key(), e);
    }
  }

  /** Deletes the engine's copies of the committed objects. */
  @Override
  public void committed(Map<String, String> positions) {
    for (String key : positions.keySet()) {
      Path copy = copies.remove(key);
      if (copy != null) {
        deleteQuietly(copy);
      }
    }
  }

  @Override
  public void reread(String splitKey, List<Original> originals, RecordSink sink) {
    requireNonNull(splitKey, "splitKey is null");
    requireNonNull(sink, "sink is null");
    checkOpen();
    String key = objectKey(splitKey);
    try {
      files.reread(
          splitKey,
          originals,
          sink,
          () -> open(key, Optional.empty(), "read the header of"),
          Compression.ofName(key));
    } catch (IOException e) {
      throw SluiceException.external(
          String.format(
              "Source '%s': cannot read the quarantined records of '%s' again: %s",
              sourceName, splitKey, e.getMessage()),
          e);
    }
  }

  /** Closes the client and deletes the copies made for the engine. Safe to call more than once. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    copies.values().forEach(S3Connector::deleteQuietly);
    copies.clear();
    client.close();
    if (credentials instanceof SdkAutoCloseable closeable) {
      closeable.close();
    }
  }

  boolean isClosed() {
    return closed;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("source '" + sourceName + "': the connector is closed");
    }
  }

  private List<S3Object> list(int max) {
    String prefix = options.listPrefix();
    ListObjectsV2Request request =
        ListObjectsV2Request.builder()
            .bucket(options.bucket())
            .prefix(prefix.isEmpty() ? null : prefix)
            .build();
    List<S3Object> objects = new ArrayList<>();
    try {
      for (S3Object object : client.listObjectsV2Paginator(request).contents()) {
        if (options.matches(object.key(), pattern)) {
          objects.add(object);
          if (objects.size() >= max) {
            break;
          }
        }
      }
    } catch (SdkException e) {
      throw failure("list the objects under s3://" + options.bucket() + "/" + prefix, e);
    }
    objects.sort(Comparator.comparing(S3Object::key));
    return objects;
  }

  /** Downloads the object of {@code split}, as planned (the same ETag), to a temporary file. */
  private Path download(Split split, String key) throws IOException {
    Optional<String> etag =
        ObjectPosition.parse(split.position()).map(ObjectPosition::etag).filter(e -> !e.isEmpty());
    Files.createDirectories(tempDirectory);
    Path copy = Files.createTempFile(tempDirectory, ".object-", ".tmp");
    try (InputStream in = open(key, etag, "read")) {
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(copy);
      throw e;
    }
    return copy;
  }

  private Path copyForEngine(Split split) {
    Path copy = Path.of(split.location());
    if (Files.exists(copy)) {
      copies.put(split.key(), copy);
      return copy;
    }
    try {
      Path temp = download(split, objectKey(split.key()));
      Files.createDirectories(copy.getParent());
      Files.move(temp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw cannotRead(split.key(), e);
    }
    copies.put(split.key(), copy);
    return copy;
  }

  private ResponseInputStream<GetObjectResponse> open(
      String key, Optional<String> etag, String what) {
    GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(options.bucket()).key(key);
    etag.ifPresent(e -> request.ifMatch("\"" + e + "\""));
    try {
      return client.getObject(request.build());
    } catch (S3Exception e) {
      if (e.statusCode() == 412 && etag.isPresent()) {
        throw new SluiceException(
            ErrorCategory.EXTERNAL,
            String.format(
                "Source '%s': object '%s' changed after the batch was planned (its ETag is no"
                    + " longer %s); run again to plan it anew",
                sourceName, splitKey(key), etag.get()),
            e);
      }
      if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
        throw new SluiceException(
            ErrorCategory.EXTERNAL,
            String.format(
                "Source '%s': cannot %s object '%s': it no longer exists, although it did when the"
                    + " batch was planned",
                sourceName, what, splitKey(key)),
            e);
      }
      throw failure(what + " object '" + splitKey(key) + "'", e);
    } catch (SdkException e) {
      throw failure(what + " object '" + splitKey(key) + "'", e);
    }
  }

  private SluiceException failure(String what, SdkException e) {
    String where = options.endpoint().map(URI::toString).orElse("AWS S3");
    if (e instanceof S3Exception s3) {
      String code =
          s3.awsErrorDetails() != null && s3.awsErrorDetails().errorCode() != null
              ? s3.awsErrorDetails().errorCode()
              : "HTTP " + s3.statusCode();
      String message =
          s3.awsErrorDetails() != null && s3.awsErrorDetails().errorMessage() != null
              ? s3.awsErrorDetails().errorMessage()
              : "";
      if (isNoSuchBucket(s3)) {
        return new SluiceException(
            ErrorCategory.USER,
            String.format(
                "Source '%s': cannot %s: bucket '%s' does not exist at %s",
                sourceName, what, options.bucket(), where),
            e);
      }
      if (s3.statusCode() == 403
          || code.equals("InvalidAccessKeyId")
          || code.equals("SignatureDoesNotMatch")) {
        return new SluiceException(
            ErrorCategory.USER,
            String.format(
                "Source '%s': cannot %s: access denied by %s (%s%s); %s",
                sourceName,
                what,
                where,
                code,
                message.isEmpty() ? "" : ": " + message,
                credentialsSource),
            e);
      }
      return SluiceException.external(
          String.format(
              "Source '%s': cannot %s: %s answered %s%s",
              sourceName, what, where, code, message.isEmpty() ? "" : ": " + message),
          e);
    }
    String message = String.valueOf(e.getMessage());
    if (message.contains("Unable to load credentials")) {
      return new SluiceException(
          ErrorCategory.USER,
          String.format(
              "Source '%s': cannot %s: no AWS credentials were found; set s3.access-key-env and"
                  + " s3.secret-key-env to the environment variables holding them, or configure"
                  + " the AWS default chain",
              sourceName, what),
          e);
    }
    return SluiceException.external(
        String.format(
            "Source '%s': cannot %s: cannot reach %s: %s", sourceName, what, where, rootMessage(e)),
        e);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return root == e ? text : e.getMessage() + " (" + text + ")";
  }

  private static boolean isNoSuchBucket(S3Exception e) {
    return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
  }

  private SluiceException cannotRead(String splitKey, IOException e) {
    return SluiceException.external(
        String.format(
            "Source '%s': cannot read object '%s': %s", sourceName, splitKey, e.getMessage()),
        e);
  }

  private String splitKey(String objectKey) {
    return "s3://" + options.bucket() + "/" + objectKey;
  }

  private String objectKey(String splitKey) {
    String prefix = "s3://" + options.bucket() + "/";
    if (!splitKey.startsWith(prefix)) {
      throw new SluiceException(
          ErrorCategory.INTERNAL,
          String.format(
              "Source '%s': split '%s' is not an object of bucket '%s'",
              sourceName, splitKey, options.bucket()));
    }
    return splitKey.substring(prefix.length());
  }

  /** Parquet objects are read by the engine from a copy; other formats from their URI. */
  private String location(String key, ObjectPosition position) {
    if (!files.format().equals("parquet")) {
      return splitKey(key);
    }
    String name =
        sha256(key).substring(0, 24) + "-" + position.etag().replaceAll("[^A-Za-z0-9-]", "_");
    return objectDirectory.resolve(name + ".parquet").toAbsolutePath().toString();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the object copy " + file, e);
    }
  }
}
