package io.sluice.core.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Locale;

/**
 * The texts of an alert: the log line, Slack's incoming-webhook body ({@code text} and {@code
 * blocks}) and the generic JSON body. docs/alerts.md shows an example of each.
 */
public final class AlertMessages {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AlertMessages() {}

  /** One line: what fired or was resolved, on what, why. */
  public static String line(AlertNotification alert) {
    StringBuilder line = new StringBuilder();
    line.append(heading(alert))
        .append(": rule '")
        .append(alert.rule())
        .append("' (")
        .append(alert.kind().label())
        .append(", ")
        .append(alert.severity())
        .append(") on ")
        .append(alert.target())
        .append(": ")
        .append(alert.detail());
    alert
        .resolvedAt()
        .ifPresent(
            at ->
                line.append(" (held ")
                    .append(
                        io.sluice.config.ConfigType.formatDuration(
                            roundedSeconds(Duration.between(alert.startedAt(), at))))
                    .append(")"));
    line.append(" [").append(alert.project()).append("]");
    return line.toString();
  }

  /**
   * The message as Slack's incoming webhooks take it: a fallback {@code text} and {@code blocks}.
   */
  public static String slack(AlertNotification alert) {
    ObjectNode body = JSON.createObjectNode();
    body.put("text", line(alert));
    ArrayNode blocks = body.putArray("blocks");
    ObjectNode section = blocks.addObject().put("type", "section");
    section
        .putObject("text")
        .put("type", "mrkdwn")
        .put(
            "text",
            (alert.firing() ? ":rotating_light: *" : ":white_check_mark: *")
                + escape(heading(alert))
                + "* `"
                + escape(alert.rule())
                + "` on `"
                + escape(alert.target())
                + "`\n"
                + escape(alert.detail()));
    StringBuilder context = new StringBuilder();
    context
        .append("project ")
        .append(escape(alert.project()))
        .append(" · ")
        .append(alert.kind().label())
        .append(" · severity ")
        .append(alert.severity())
        .append(" · since ")
        .append(alert.startedAt());
    alert
        .ids()
        .forEach(
            (key, value) -> context.append(" · ").append(key).append(' ').append(escape(value)));
    if (alert.link().startsWith("http://") || alert.link().startsWith("https://")) {
      // Slack's link syntax; a link is an address the project declared, not data.
      context.append(" · <").append(alert.link()).append("|open in Sluice>");
    } else {
      context.append(" · page ").append(escape(alert.link()));
    }
    blocks
        .addObject()
        .put("type", "context")
        .putArray("elements")
        .addObject()
        .put("type", "mrkdwn")
        .put("text", context.toString());
    return body.toString();
  }

  /** The generic JSON body: one object with every particular of the alert. */
  public static String generic(AlertNotification alert) {
    ObjectNode body = JSON.createObjectNode();
    body.put("project", alert.project());
    body.put("rule", alert.rule());
    body.put("kind", alert.kind().label());
    body.put("target", alert.target());
    body.put("state", alert.state());
    body.put("reminder", alert.reminder());
    body.put("severity", alert.severity());
    body.put("value", alert.value());
    if (alert.threshold().isPresent()) {
      body.put("threshold", alert.threshold().get());
    } else {
      body.putNull("threshold");
    }
    body.put("started_at", alert.startedAt().toString());
    body.put("resolved_at", alert.resolvedAt().map(Object::toString).orElse(null));
    ObjectNode ids = body.putObject("ids");
    alert.ids().forEach(ids::put);
    body.put("detail", alert.detail());
    body.put("link", alert.link());
    return body.toString();
  }

  /**
   * A test message ({@code sluice alerts --test}), in Slack's form or the generic one, whose {@code
   * state} is {@code test}: no rule fired.
   */
  public static String test(String project, String channel, java.time.Instant at, boolean slack) {
    String text =
        "Sluice test message: alerts of project "
            + project
            + " sent to channel "
            + channel
            + " arrive here (sent "
            + at
            + " by sluice alerts --test; no rule fired)";
    ObjectNode body = JSON.createObjectNode();
    if (slack) {
      body.put("text", text);
      return body.toString();
    }
    body.put("project", project);
    body.put("kind", "test");
    body.put("state", "test");
    body.put("channel", channel);
    body.put("sent_at", at.toString());
    body.put("detail", text);
    return body.toString();
  }

  private static String heading(AlertNotification alert) {
    if (!alert.firing()) {
      return "RESOLVED";
    }
    return alert.reminder() ? "STILL FIRING" : "FIRING";
  }

  /** A quality score as messages show it, with three decimals. */
  static String score(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  private static Duration roundedSeconds(Duration duration) {
    return Duration.ofSeconds(Math.max(0, duration.getSeconds()));
  }

  /** Slack's mrkdwn escapes: &, < and > are control characters. */
  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
