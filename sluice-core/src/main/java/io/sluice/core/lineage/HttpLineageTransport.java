package io.sluice.core.lineage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * POSTs each event as JSON to an OpenLineage endpoint (e.g. Marquez's {@code /api/v1/lineage}),
 * within a timeout that bounds the connection and the response alike. Any answer but 2xx is a
 * failed delivery, reported with its status and the start of its body.
 */
final class HttpLineageTransport implements LineageTransport {
  private static final int MAX_BODY_CHARS = 200;

  private final URI url;
  private final Duration timeout;
  private final Optional<Lineage.ApiKey> apiKey;
  private final HttpClient client;

  /**
   * @param apiKey sent as a bearer token when present
   */
  HttpLineageTransport(URI url, Duration timeout, Optional<Lineage.ApiKey> apiKey) {
    this.url = requireNonNull(url, "url is null");
    this.timeout = requireNonNull(timeout, "timeout is null");
    this.apiKey = requireNonNull(apiKey, "apiKey is null");
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public void send(String json) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    if (apiKey.isPresent()) {
      String key = apiKey.get().value();
      if (key == null || key.isBlank()) {
        throw new IOException(
            "lineage.api-key-env names the environment variable "
                + apiKey.get().variable()
                + ", which is not set");
      }
      request.header("Authorization", "Bearer " + key.strip());
    }
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while sending to " + url, e);
    } catch (java.net.http.HttpConnectTimeoutException e) {
      throw new IOException("could not connect within " + timeout.toMillis() + " ms", e);
    } catch (java.net.http.HttpTimeoutException e) {
      throw new IOException("no answer within " + timeout.toMillis() + " ms", e);
    } catch (java.net.ConnectException e) {
      throw new IOException(
          "cannot connect" + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      String body = response.body() == null ? "" : response.body().strip();
      throw new IOException(
          "HTTP "
              + status
              + (body.isEmpty()
                  ? ""
                  : ": "
                      + (body.length() > MAX_BODY_CHARS
                          ? body.substring(0, MAX_BODY_CHARS) + "..."
                          : body)));
    }
  }

  @Override
  public String target() {
    return url.toString();
  }
}
