package io.sluice.server;

import static java.util.Objects.requireNonNull;

import io.sluice.api.engine.WarehouseReader;

/**
 * The warehouse query endpoint ({@code POST /v1/query}): SQL in the body, rows as JSON out. Each
 * query runs on its own sandboxed, read-only {@link WarehouseReader} (never on the pipeline's
 * connection), whose timeout and result-size limit answer 408 and 413.
 *
 * @param token the bearer token a query must carry
 * @param readers opens a reader per query
 */
public record QueryEndpoint(String token, Readers readers) {
  public QueryEndpoint {
    requireNonNull(token, "token is null");
    requireNonNull(readers, "readers is null");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("the query token is empty");
    }
  }

  /** Opens readers of the warehouse; called from request threads, concurrently. */
  @FunctionalInterface
  public interface Readers {
    /**
     * @throws io.sluice.api.SluiceException when the warehouse cannot be read now
     */
    WarehouseReader open();
  }
}
