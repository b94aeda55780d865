package io.sluice.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Pushes JSON records to a stream of {@code sluice serve}: splits them into requests (by record
 * count and bytes), compresses them with gzip (fastest level), and resends a request answered 429
 * or 503 or lost to an I/O error, with exponential backoff (honouring {@code Retry-After}).
 *
 * <p>Delivery is at least once: a request whose answer was lost may have been stored before it is
 * sent again. Give records an id and a {@code unique} check to quarantine such duplicates.
 *
 * <p>Thread-safe; one client can serve many threads.
 *
 * <pre>{@code
 * try (SluiceClient client = SluiceClient.builder(URI.create("http://127.0.0.1:8080"))
 *     .token(System.getenv("EVENTS_TOKEN")).build()) {
 *   PushResult result = client.push("events", List.of("{\"id\":1}", "{\"id\":2}"));
 * }
 * }</pre>
 */
public final class SluiceClient implements AutoCloseable {
  /** Waits between attempts; replaced in tests. */
  interface Pause {
    void pause(Duration duration) throws InterruptedException;
  }

  private final URI base;
  private final String token;
  private final boolean gzip;
  private final int maxRecordsPerRequest;
  private final int maxBytesPerRequest;
  private final int maxAttempts;
  private final Duration firstBackoff;
  private final Duration timeout;
  private final HttpClient http;
  private final Pause pause;
  private final JsonFactory json = new JsonFactory();

  private SluiceClient(Builder builder) {
    this.base = builder.base;
    this.token = builder.token;
    this.gzip = builder.gzip;
    this.maxRecordsPerRequest = builder.maxRecordsPerRequest;
    this.maxBytesPerRequest = builder.maxBytesPerRequest;
    this.maxAttempts = builder.maxAttempts;
    this.firstBackoff = builder.firstBackoff;
    this.timeout = builder.timeout;
    this.pause = builder.pause;
    this.http = HttpClient.newBuilder().connectTimeout(builder.timeout).build();
  }

  /** A client of the server at {@code base}, e.g. {@code http://127.0.0.1:8080}. */
  public static Builder builder(URI base) {
    return new Builder(base);
  }

  /**
   * Pushes records (each a JSON object as text) to {@code stream}, in order, and returns once every
   * request is answered.
   *
   * @throws SluiceClientException when a request is refused as a whole, or still fails after the
   *     last attempt
   */
  public PushResult push(String stream, List<String> records) {
    requireNonNull(stream, "stream is null");
    URI uri = base.resolve("/v1/streams/" + stream + "/records");
    long accepted = 0;
    int retries = 0;
    List<PushResult.Failure> failures = new ArrayList<>();
    int start = 0;
    while (start < records.size()) {
      int end = start;
      long bytes = 2;
      while (end < records.size()
          && end - start < maxRecordsPerRequest
          && (end == start || bytes + records.get(end).length() + 1 <= maxBytesPerRequest)) {
        bytes += records.get(end).length() + 1;
        end++;
      }
      Answer answer = send(uri, body(records.subList(start, end)), accepted);
      retries += answer.retries;
      accepted += answer.accepted;
      for (PushResult.Failure failure : answer.failures) {
        failures.add(new PushResult.Failure(start + failure.index(), failure.reason()));
      }
      start = end;
    }
    return new PushResult(accepted, failures, retries);
  }

  private record Answer(long accepted, List<PushResult.Failure> failures, int retries) {}

  private Answer send(URI uri, byte[] body, long acceptedBefore) {
    int retries = 0;
    Duration backoff = firstBackoff;
    while (true) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (gzip) {
        request.header("Content-Encoding", "gzip");
      }
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      int status = 0;
      String reason;
      Throwable cause = null;
      try {
        HttpResponse<String> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        status = response.statusCode();
        if (status == 200 || (status == 400 && response.body().startsWith("{\"accepted\""))) {
          return parse(response.body(), retries);
        }
        reason = errorOf(response.body());
        if (status != 429 && status != 503) {
          throw new SluiceClientException(
              "The server refused the push (" + status + "): " + reason,
              status,
              acceptedBefore,
              null);
        }
        backoff =
            response
                .headers()
                .firstValue("Retry-After")
                .map(SluiceClient::seconds)
                .map(d -> d.compareTo(firstBackoff) > 0 ? d : firstBackoff)
                .orElse(backoff);
      } catch (IOException e) {
        reason = e.toString();
        cause = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SluiceClientException("Interrupted while pushing", 0, acceptedBefore, e);
      }
      if (retries + 1 >= maxAttempts) {
        throw new SluiceClientException(
            "The push failed after " + maxAttempts + " attempts; last: " + reason,
            status,
            acceptedBefore,
            cause);
      }
      try {
        pause.pause(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SluiceClientException("Interrupted while pushing", 0, acceptedBefore, e);
      }
      retries++;
      backoff = backoff.multipliedBy(2);
    }
  }

  private static Duration seconds(String retryAfter) {
    try {
      return Duration.ofSeconds(Long.parseLong(retryAfter.trim()));
    } catch (NumberFormatException e) {
      return Duration.ZERO;
    }
  }

  /**
   * The request body: the records as a JSON array, gzipped at the fastest level when gzip is on.
   * The array is built whole and compressed in one pass (a write per record would cross into zlib
   * once per record); the fastest level costs a few percent of size and a fraction of the CPU of
   * the default, which matters most when clients share cores with the server.
   */
  private byte[] body(List<String> records) {
    ByteArrayOutputStream json = new ByteArrayOutputStream(records.size() * 320 + 2);
    json.write('[');
    for (int i = 0; i < records.size(); i++) {
      if (i > 0) {
        json.write(',');
      }
      json.writeBytes(records.get(i).getBytes(UTF_8));
    }
    json.write(']');
    if (!gzip) {
      return json.toByteArray();
    }
    ByteArrayOutputStream zipped = new ByteArrayOutputStream(json.size() / 4 + 64);
    try (GZIPOutputStream out = new FastestGzip(zipped)) {
      json.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return zipped.toByteArray();
  }

  /** gzip at {@link Deflater#BEST_SPEED}. */
  private static final class FastestGzip extends GZIPOutputStream {
    FastestGzip(ByteArrayOutputStream out) throws IOException {
      super(out, 64 * 1024);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  private Answer parse(String body, int retries) {
    long accepted = 0;
    List<PushResult.Failure> failures = new ArrayList<>();
    try (JsonParser parser = json.createParser(body)) {
      parser.nextToken();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        if (field.equals("accepted")) {
          accepted = parser.getLongValue();
        } else if (field.equals("errors")) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            int index = -1;
            String reason = "";
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
              String name = parser.currentName();
              parser.nextToken();
              if (name.equals("index")) {
                index = parser.getIntValue();
              } else if (name.equals("reason")) {
                reason = parser.getText();
              } else {
                parser.skipChildren();
              }
            }
            failures.add(new PushResult.Failure(index, reason));
          }
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new SluiceClientException("Cannot read the server's answer: " + body, 200, 0, e);
    }
    return new Answer(accepted, failures, retries);
  }

  private String errorOf(String body) {
    try (JsonParser parser = json.createParser(body)) {
      if (parser.nextToken() == JsonToken.START_OBJECT
          && parser.nextToken() == JsonToken.FIELD_NAME
          && parser.currentName().equals("error")
          && parser.nextToken() == JsonToken.VALUE_STRING) {
        return parser.getText();
      }
    } catch (IOException e) {
      // not the server's JSON: show it as it is
    }
    return body;
  }

  @Override
  public void close() {
    // java.net.http.HttpClient releases its connections when it is no longer referenced.
  }

  /** Settings of a client; every one has a default. */
  public static final class Builder {
    private final URI base;
    private String token;
    private boolean gzip = true;
    private int maxRecordsPerRequest = 5_000;
    private int maxBytesPerRequest = 8 << 20;
    private int maxAttempts = 8;
    private Duration firstBackoff = Duration.ofMillis(100);
    private Duration timeout = Duration.ofSeconds(30);
    private Pause pause = duration -> Thread.sleep(duration.toMillis());

    private Builder(URI base) {
      this.base = requireNonNull(base, "base is null");
    }

    /** The stream's bearer token; none by default. */
    public Builder token(String token) {
      this.token = requireNonNull(token, "token is null");
      return this;
    }

    /** Whether to gzip request bodies (default true). */
    public Builder gzip(boolean gzip) {
      this.gzip = gzip;
      return this;
    }

    /**
     * Most records and bytes (uncompressed) per request (default 5,000 and 8 MiB); keep them under
     * the server's {@code serve.max-records-per-request} and {@code serve.max-body-bytes}.
     */
    public Builder maxPerRequest(int records, int bytes) {
      if (records < 1 || bytes < 3) {
        throw new IllegalArgumentException("limits must be positive");
      }
      this.maxRecordsPerRequest = records;
      this.maxBytesPerRequest = bytes;
      return this;
    }

    /**
     * Attempts per request (default 8) and the first wait between them (default 100 ms, doubling; a
     * longer {@code Retry-After} wins).
     */
    public Builder retries(int maxAttempts, Duration firstBackoff) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1");
      }
      this.maxAttempts = maxAttempts;
      this.firstBackoff = requireNonNull(firstBackoff, "firstBackoff is null");
      return this;
    }

    /** Connect and request timeout (default 30 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = requireNonNull(timeout, "timeout is null");
      return this;
    }

    Builder pause(Pause pause) {
      this.pause = requireNonNull(pause, "pause is null");
      return this;
    }

    public SluiceClient build() {
      return new SluiceClient(this);
    }
  }
}
