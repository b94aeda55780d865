package io.sluice.cli.log;

import io.sluice.api.SluiceException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The format and level of the command's log, chosen by {@code --log-format}, {@code
 * SLUICE_LOG_FORMAT} and {@code SLUICE_LOG_LEVEL} (or the system properties {@code
 * sluice.log.format} and {@code sluice.log.level}). The log goes to standard error in both formats,
 * so that a command's output on standard output stays what it prints.
 */
public final class LogFormat {
  /** The system property of the format: {@code text} or {@code json}. */
  public static final String FORMAT_PROPERTY = "sluice.log.format";

  /** The system property of the level of Sluice's own loggers. */
  public static final String LEVEL_PROPERTY = "sluice.log.level";

  private LogFormat() {}

  /** The formats {@code --log-format} takes. */
  public enum Format {
    TEXT,
    JSON;

    /** Parses {@code text} or {@code json}, or says what it takes. */
    public static Format parse(String text) {
      try {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw SluiceException.user("Unknown log format '%s' (use text or json)", text);
      }
    }
  }

  /**
   * The format chosen by the system property or, else, the environment variable; text when neither
   * is set.
   */
  static Format configured(Map<String, String> environment) {
    return setting(FORMAT_PROPERTY, "SLUICE_LOG_FORMAT", environment)
        .map(Format::parse)
        .orElse(Format.TEXT);
  }

  /** The level of {@code io.sluice} loggers, when the property or the environment sets one. */
  static Optional<String> configuredLevel(Map<String, String> environment) {
    return setting(LEVEL_PROPERTY, "SLUICE_LOG_LEVEL", environment);
  }

  private static Optional<String> setting(
      String property, String variable, Map<String, String> environment) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = environment.get(variable);
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  /** The format in use: the last {@link #use}, else the property or the environment's. */
  public static Format current() {
    return configured(System.getenv());
  }

  /**
   * Logs the error a command ended with, as the text log prints it ({@code error: message}), with
   * its category; with its stack trace for {@code --debug} or an internal error.
   */
  public static void logError(Exception error, boolean debug) {
    org.slf4j.Logger log = LoggerFactory.getLogger("io.sluice.cli");
    if (error instanceof SluiceException sluice) {
      org.slf4j.MDC.put("category", sluice.category().name().toLowerCase(Locale.ROOT));
      try {
        if (debug) {
          log.error("error: {}", sluice.getMessage(), error);
        } else {
          log.error("error: {}", sluice.getMessage());
        }
      } finally {
        org.slf4j.MDC.remove("category");
      }
    } else {
      log.error("internal error: {}", error.toString(), error);
    }
  }

  /**
   * Switches the log to {@code format} from now on (for {@code --log-format}).
   *
   * @throws SluiceException (USER) for JSON when the command does not log through logback (the
   *     Spark distribution logs through log4j2)
   */
  public static void use(Format format) {
    System.setProperty(FORMAT_PROPERTY, format.name().toLowerCase(Locale.ROOT));
    if (!LoggerFactory.getILoggerFactory().getClass().getName().startsWith("ch.qos.logback.")) {
      if (format == Format.JSON) {
        throw SluiceException.user(
            "--log-format json needs the logback logging of the sluice command; this"
                + " distribution logs through %s",
            LoggerFactory.getILoggerFactory().getClass().getName());
      }
      return;
    }
    LogbackSetup.configure(
        (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory(),
        format,
        configuredLevel(System.getenv()));
  }
}
