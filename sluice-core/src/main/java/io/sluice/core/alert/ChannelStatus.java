package io.sluice.core.alert;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * How deliveries to one channel went, for {@code /health} and {@code sluice alerts}.
 *
 * @param channel the channel's name
 * @param delivered messages the webhook accepted (2xx)
 * @param failed messages given up on (attempts spent, a 4xx answer, or the queue full)
 * @param lastError why the last failed message failed (never the URL)
 * @param lastFailureAt when it failed
 * @param lastDeliveredAt when a message was last accepted
 */
public record ChannelStatus(
    String channel,
    long delivered,
    long failed,
    Optional<String> lastError,
    Optional<Instant> lastFailureAt,
    Optional<Instant> lastDeliveredAt) {
  public ChannelStatus {
    requireNonNull(channel, "channel is null");
    requireNonNull(lastError, "lastError is null");
    requireNonNull(lastFailureAt, "lastFailureAt is null");
    requireNonNull(lastDeliveredAt, "lastDeliveredAt is null");
  }

  static ChannelStatus none(String channel) {
    return new ChannelStatus(channel, 0, 0, Optional.empty(), Optional.empty(), Optional.empty());
  }

  ChannelStatus delivered(Instant at) {
    return new ChannelStatus(
        channel, delivered + 1, failed, lastError, lastFailureAt, Optional.of(at));
  }

  ChannelStatus failed(String reason, Instant at) {
    return new ChannelStatus(
        channel, delivered, failed + 1, Optional.of(reason), Optional.of(at), lastDeliveredAt);
  }

  /** Whether the last message sent failed. */
  public boolean failing() {
    return lastFailureAt.isPresent()
        && (lastDeliveredAt.isEmpty() || lastDeliveredAt.get().isBefore(lastFailureAt.get()));
  }
}
