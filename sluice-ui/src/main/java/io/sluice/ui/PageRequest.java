package io.sluice.ui;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.server.Access;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * A request to a {@link Page} or an {@link Endpoint}.
 *
 * @param console what the console reads from: the project, its runtime and APIs
 * @param access what the caller's token allows
 * @param tail the path below the page's or endpoint's own, without the leading slash (e.g. a run
 *     id), or empty
 * @param parameters the query parameters (the first value of each)
 * @param body the request body (empty for a GET)
 */
public record PageRequest(
    ConsoleContext console,
    Access access,
    String tail,
    Map<String, String> parameters,
    byte[] body) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public PageRequest {
    requireNonNull(console, "console is null");
    requireNonNull(access, "access is null");
    requireNonNull(tail, "tail is null");
    parameters = Map.copyOf(parameters);
    requireNonNull(body, "body is null");
  }

  /** A query parameter, when given and not blank. */
  public Optional<String> parameter(String name) {
    String value = parameters.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** A query parameter as a number in {@code [min, max]}, or {@code fallback} when absent. */
  public int intParameter(String name, int fallback, int min, int max) {
    Optional<String> value = parameter(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int number = Integer.parseInt(value.get());
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw PageException.badRequest(
        "'"
            + name
            + "' must be a whole number from "
            + min
            + " to "
            + max
            + ", not '"
            + value.get()
            + "'");
  }

  /** The body as a JSON object (an empty object for an empty body). */
  public JsonNode json() {
    if (body.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw PageException.badRequest("the body must be a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw PageException.badRequest("the body is not valid JSON: " + e.getMessage());
    }
  }

  /** The body as text (UTF-8). */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
