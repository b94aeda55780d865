package io.sluice.api.engine;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;

/** A query stopped by a limit of its {@link WarehouseReader}: too slow, or a too large result. */
public final class QueryLimitException extends SluiceException {
  private static final long serialVersionUID = 1L;

  /** Which limit stopped the query. */
  public enum Limit {
    /** The query ran longer than {@link ReaderContext#timeout()}. */
    TIMEOUT,
    /** The rows read exceeded {@link ReaderContext#maxBytes()}. */
    RESULT_SIZE
  }

  private final Limit limit;

  public QueryLimitException(Limit limit, String message) {
    super(ErrorCategory.USER, message);
    this.limit = limit;
  }

  public Limit limit() {
    return limit;
  }
}
