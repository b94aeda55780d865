package io.sluice.lake.iceberg;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import java.io.UncheckedIOException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.exceptions.RuntimeIOException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.jdbc.UncheckedInterruptedException;
import org.apache.iceberg.jdbc.UncheckedSQLException;

/** Turns Iceberg's unchecked exceptions into categorised {@link SluiceException}s. */
final class Failures {
  private Failures() {}

  /**
   * Wraps {@code failure} of {@code action} ("Cannot append to table raw.orders") in a {@link
   * SluiceException} whose category says whether a retry can help. A {@link SluiceException} is
   * returned unchanged: it was raised by this module and already carries its context.
   */
  static SluiceException wrap(String action, RuntimeException failure) {
    if (failure instanceof SluiceException sluice) {
      return sluice;
    }
    return new SluiceException(category(failure), action + ": " + describe(failure), failure);
  }

  static SluiceException internal(String format, Object... args) {
    return new SluiceException(ErrorCategory.INTERNAL, String.format(format, args));
  }

  private static ErrorCategory category(RuntimeException failure) {
    if (failure instanceof UncheckedSQLException
        || failure instanceof UncheckedInterruptedException
        || failure instanceof UncheckedIOException
        || failure instanceof RuntimeIOException
        || failure instanceof NotFoundException
        || failure instanceof CommitFailedException
        || failure instanceof CommitStateUnknownException) {
      return ErrorCategory.EXTERNAL;
    }
    if (failure instanceof ValidationException || failure instanceof IllegalArgumentException) {
      return ErrorCategory.USER;
    }
    return ErrorCategory.INTERNAL;
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    // JDBC failures hide the useful part ("database is locked") in the cause.
    Throwable cause = failure.getCause();
    if (cause != null && cause.getMessage() != null && !cause.getMessage().equals(message)) {
      message = message == null ? cause.getMessage() : message + " (" + cause.getMessage() + ")";
    }
    return message == null ? failure.getClass().getSimpleName() : message;
  }
}
