package io.sluice.api.source;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * How {@code sluice serve} accepts records pushed to a source over HTTP ({@code POST
 * /v1/streams/<source>/records}), for a connector that reads pushed records from the ingest log.
 *
 * @param bearerToken the token a push must carry; empty when pushes need none
 * @param partitionKey the dotted JSON path of each record's partition key, if any
 */
public record PushSettings(Optional<String> bearerToken, Optional<String> partitionKey) {
  public PushSettings {
    requireNonNull(bearerToken, "bearerToken is null");
    requireNonNull(partitionKey, "partitionKey is null");
  }

  @Override
  public String toString() {
    return "PushSettings[bearerToken="
        + (bearerToken.isPresent() ? "(set)" : "none")
        + ", partitionKey="
        + partitionKey.orElse("none")
        + "]";
  }
}
