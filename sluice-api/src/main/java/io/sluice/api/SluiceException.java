package io.sluice.api;

import static java.util.Objects.requireNonNull;

/**
 * The one exception type that crosses module boundaries. Every failure carries a {@link
 * ErrorCategory} so that callers (the CLI's exit code, a scheduler's retry policy, a dashboard) can
 * decide what to do without parsing messages.
 */
public class SluiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCategory category;

  public SluiceException(ErrorCategory category, String message) {
    super(requireNonNull(message, "message is null"));
    this.category = requireNonNull(category, "category is null");
  }

  public SluiceException(ErrorCategory category, String message, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.category = requireNonNull(category, "category is null");
  }

  public ErrorCategory category() {
    return category;
  }

  public static SluiceException user(String format, Object... args) {
    return new SluiceException(ErrorCategory.USER, String.format(format, args));
  }

  public static SluiceException internal(String message, Throwable cause) {
    return new SluiceException(ErrorCategory.INTERNAL, message, cause);
  }

  public static SluiceException external(String message, Throwable cause) {
    return new SluiceException(ErrorCategory.EXTERNAL, message, cause);
  }
}
