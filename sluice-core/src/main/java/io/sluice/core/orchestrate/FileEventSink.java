package io.sluice.core.orchestrate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.SluiceException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends events to a JSON-lines file and logs them. Each line is one object with the keys {@code
 * time}, {@code type}, {@code subject}, {@code severity}, {@code message} and {@code details}, in
 * that order; a line is written with one call, so that a crash leaves at most a torn last line,
 * which readers skip.
 */
final class FileEventSink implements EventSink {
  static final String FILE_NAME = "events.jsonl";

  private static final Logger LOG = LoggerFactory.getLogger("io.sluice.events");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  FileEventSink(Path file) {
    this.file = file;
  }

  @Override
  public synchronized void emit(PipelineEvent event) {
    log(event);
    try {
      Files.createDirectories(file.getParent());
      byte[] line = (JSON.writeValueAsString(json(event)) + "\n").getBytes(StandardCharsets.UTF_8);
      try (OutputStream out =
          Files.newOutputStream(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND,
              StandardOpenOption.WRITE)) {
        out.write(line);
      }
    } catch (IOException e) {
      throw SluiceException.external(
          "Cannot record the event " + event.type() + " of " + event.subject() + " in " + file, e);
    }
  }

  private static void log(PipelineEvent event) {
    String text = "{} {}: {}";
    switch (event.severity()) {
      case FAIL -> LOG.error(text, event.type(), event.subject(), event.message());
      case WARN -> LOG.warn(text, event.type(), event.subject(), event.message());
      case INFO -> LOG.info(text, event.type(), event.subject(), event.message());
    }
  }

  private static Map<String, Object> json(PipelineEvent event) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("time", event.time().toString());
    json.put("type", event.type());
    json.put("subject", event.subject());
    json.put("severity", event.severity().label());
    json.put("message", event.message());
    json.put("details", event.details());
    return json;
  }

  /** The events in {@code file}, oldest first; none when it does not exist. */
  static List<PipelineEvent> read(Path file) {
    List<PipelineEvent> events = new ArrayList<>();
    if (!Files.exists(file)) {
      return events;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        Map<String, Object> json;
        try {
          json = JSON.readValue(line, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
          continue; // a torn last line after a crash; the complete lines before it are good
        }
        @SuppressWarnings("unchecked")
        Map<String, String> details = (Map<String, String>) json.getOrDefault("details", Map.of());
        events.add(
            new PipelineEvent(
                (String) json.get("type"),
                (String) json.get("subject"),
                PipelineEvent.Severity.of((String) json.get("severity")),
                Instant.parse((String) json.get("time")),
                (String) json.get("message"),
                details));
      }
      return events;
    } catch (IOException e) {
      throw SluiceException.external("Cannot read the events in " + file, e);
    }
  }
}
