package io.sluice.cli.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Optional;

/**
 * Configures logback for the {@code sluice} command: found by logback's {@link
 * java.util.ServiceLoader} lookup and ranked first, so that logback does not load its XML
 * configuration machinery at every start; a user's {@code -Dlogback.configurationFile} still wins
 * (then this steps aside).
 *
 * <p>Text, the default, looks as the command's log always did: {@code WARN Logger - message}, then
 * the stack trace; at level debug or trace each line starts with its time. Libraries log warnings
 * and errors; Sluice's own loggers log at {@code SLUICE_LOG_LEVEL}, by default warn in text and
 * info in JSON (runs, batches and schedules are then on the log).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_TOP_PRIORITY)
public final class LogbackSetup extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    configure(
        context, LogFormat.configured(System.getenv()), LogFormat.configuredLevel(System.getenv()));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  static void configure(LoggerContext context, LogFormat.Format format, Optional<String> level) {
    context.reset();
    Level sluiceLevel =
        Level.toLevel(level.orElse(format == LogFormat.Format.JSON ? "info" : "warn"), Level.WARN);
    Encoder<ILoggingEvent> encoder;
    if (format == LogFormat.Format.JSON) {
      encoder = new JsonLogEncoder();
    } else {
      PatternLayoutEncoder pattern = new PatternLayoutEncoder();
      pattern.setPattern(
          (sluiceLevel.isGreaterOrEqual(Level.INFO) ? "" : "%d{HH:mm:ss.SSS} ")
              + "%level %logger{0} - %msg%n");
      encoder = pattern;
    }
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("stderr");
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(console);
    context.getLogger("io.sluice").setLevel(sluiceLevel);
    // Hadoop warns at every start that it has no native library; nothing to act on.
    context.getLogger("org.apache.hadoop.util.NativeCodeLoader").setLevel(Level.ERROR);
  }
}
