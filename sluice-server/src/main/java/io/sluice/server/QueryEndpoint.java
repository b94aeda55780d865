package io.sluice.server;

import static java.util.Objects.requireNonNull;

import io.sluice.api.engine.QueryResult;

/**
 * The warehouse query endpoint ({@code POST /v1/query}): SQL in the body, rows as JSON out.
 *
 * @param token the bearer token a query must carry
 * @param engine runs a query (at most {@code maxRows} rows); throws {@link
 *     io.sluice.api.SluiceException} for a query the warehouse refuses
 */
public record QueryEndpoint(String token, Engine engine) {
  public QueryEndpoint {
    requireNonNull(token, "token is null");
    requireNonNull(engine, "engine is null");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("the query token is empty");
    }
  }

  /** Runs queries for the endpoint. */
  @FunctionalInterface
  public interface Engine {
    QueryResult query(String sql, int maxRows);
  }
}
