package io.sluice.server;

import com.fasterxml.jackson.core.JsonFactory;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Renders the errors Jetty answers itself (a bad request line, a URI or headers too large, a
 * failure outside the handler) as the API's documented {@code {"error": reason}} JSON, never an
 * HTML page. A server error's reason never carries the exception's message.
 */
final class JsonErrorHandler extends ErrorHandler {
  private static final String JSON = "application/json";

  private final JsonFactory json;

  JsonErrorHandler(JsonFactory json) {
    this.json = json;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    if (code == HttpStatus.SERVICE_UNAVAILABLE_503) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
    }
    send(response, callback, code, IngestHandler.errorJson(json, reason(code, message)));
  }

  static void send(Response response, Callback callback, int status, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** The status's name, with Jetty's detail for a client error (e.g. which character is bad). */
  static String reason(int status, String message) {
    String name = HttpStatus.getMessage(status).toLowerCase(Locale.ROOT);
    if (status >= 500 || message == null || message.isBlank()) {
      return name;
    }
    if (message.equalsIgnoreCase(name) || message.equalsIgnoreCase(HttpStatus.getMessage(status))) {
      return name;
    }
    return name + ": " + message;
  }
}
