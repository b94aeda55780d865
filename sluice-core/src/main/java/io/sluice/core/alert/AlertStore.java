package io.sluice.core.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.SluiceException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The alert states and delivery records of a project, kept in {@code <state-dir>/alerts.json}, so
 * that a restarted process neither fires again an alert it already fired nor forgets to resolve it.
 * Written whole (temporary file, fsync, atomic rename) whenever a state changes.
 */
public final class AlertStore {
  /** The file's name in the state folder. */
  public static final String FILE_NAME = "alerts.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  /** The store of the project whose state folder is {@code stateDirectory}. */
  public AlertStore(Path stateDirectory) {
    this.file = stateDirectory.resolve(FILE_NAME);
  }

  /**
   * What the store holds.
   *
   * @param states the alerts that are pending or firing
   * @param channels the delivery records per channel
   */
  public record Contents(List<AlertState> states, List<ChannelStatus> channels) {
    public Contents {
      states = List.copyOf(states);
      channels = List.copyOf(channels);
    }
  }

  /**
   * What the file holds; nothing when there is no file yet.
   *
   * @throws SluiceException (USER) when it is not what this class writes
   */
  public Contents read() {
    if (!Files.exists(file)) {
      return new Contents(List.of(), List.of());
    }
    try {
      JsonNode root = JSON.readTree(file.toFile());
      List<AlertState> states = new ArrayList<>();
      for (JsonNode alert : root.path("alerts")) {
        states.add(
            new AlertState(
                alert.path("rule").asText(),
                alert.path("target").asText(),
                AlertState.Phase.valueOf(
                    alert.path("phase").asText().toUpperCase(java.util.Locale.ROOT)),
                Instant.parse(alert.path("since").asText()),
                instant(alert.path("last-sent-at")),
                alert.path("value").asDouble(),
                strings(alert.path("ids")),
                alert.path("detail").asText("")));
      }
      List<ChannelStatus> channels = new ArrayList<>();
      for (JsonNode channel : root.path("channels")) {
        channels.add(
            new ChannelStatus(
                channel.path("channel").asText(),
                channel.path("delivered").asLong(),
                channel.path("failed").asLong(),
                channel.hasNonNull("last-error")
                    ? Optional.of(channel.get("last-error").asText())
                    : Optional.empty(),
                instant(channel.path("last-failure-at")),
                instant(channel.path("last-delivered-at"))));
      }
      return new Contents(states, channels);
    } catch (IOException | RuntimeException e) {
      throw SluiceException.user(
          "Cannot read the alert states in %s (%s); delete the file to start from no alert"
              + " firing",
          file, e.getMessage());
    }
  }

  /** Replaces what the file holds. */
  public void write(Collection<AlertState> states, Collection<ChannelStatus> channels) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    ArrayNode alerts = root.putArray("alerts");
    for (AlertState state : states) {
      ObjectNode alert = alerts.addObject();
      alert.put("rule", state.rule());
      alert.put("target", state.target());
      alert.put("phase", state.phase().label());
      alert.put("since", state.since().toString());
      alert.put("last-sent-at", state.lastSentAt().map(Instant::toString).orElse(null));
      alert.put("value", state.value());
      ObjectNode ids = alert.putObject("ids");
      state.ids().forEach(ids::put);
      alert.put("detail", state.detail());
    }
    ArrayNode delivery = root.putArray("channels");
    for (ChannelStatus status : channels) {
      ObjectNode channel = delivery.addObject();
      channel.put("channel", status.channel());
      channel.put("delivered", status.delivered());
      channel.put("failed", status.failed());
      channel.put("last-error", status.lastError().orElse(null));
      channel.put("last-failure-at", status.lastFailureAt().map(Instant::toString).orElse(null));
      channel.put(
          "last-delivered-at", status.lastDeliveredAt().map(Instant::toString).orElse(null));
    }
    Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      Files.write(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new SluiceException(
          io.sluice.api.ErrorCategory.EXTERNAL,
          "Cannot write the alert states to %s: %s".formatted(file, e.getMessage()),
          e);
    }
  }

  private static Optional<Instant> instant(JsonNode node) {
    return node.isTextual() ? Optional.of(Instant.parse(node.asText())) : Optional.empty();
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      values.put(field.getKey(), field.getValue().asText());
    }
    return values;
  }
}
