package io.sluice.server;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A stream the server accepts pushes for: {@code POST /v1/streams/<name>/records}.
 *
 * @param name the stream (and source) name
 * @param token the bearer token a push must carry; empty when the stream accepts pushes without one
 * @param partitionKey dotted JSON path of each record's partition key; records without one go to
 *     one partition per request, taken in turn
 */
public record StreamEndpoint(String name, Optional<String> token, Optional<String> partitionKey) {
  public StreamEndpoint {
    requireNonNull(name, "name is null");
    requireNonNull(token, "token is null");
    requireNonNull(partitionKey, "partitionKey is null");
    if (token.isPresent() && token.get().isEmpty()) {
      throw new IllegalArgumentException("stream " + name + ": the token is empty");
    }
  }
}
