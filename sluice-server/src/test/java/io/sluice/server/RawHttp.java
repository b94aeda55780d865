package io.sluice.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One raw HTTP/1.1 connection, to send what a well-behaved client would not (slowly, badly). */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  RawHttp(URI server, int readTimeoutMillis) {
    try {
      socket = new Socket(server.getHost(), server.getPort());
      socket.setSoTimeout(readTimeoutMillis);
      socket.setTcpNoDelay(true);
      out = socket.getOutputStream();
      in = socket.getInputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends bytes; false when the server has closed the connection. */
  boolean send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  boolean send(String text) {
    return send(text.getBytes(UTF_8));
  }

  /** The head of a POST with a body of {@code length} bytes, none of them sent yet. */
  static String postHead(String path, long length, String... headers) {
    StringBuilder head =
        new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .append("Content-Type: application/x-ndjson\r\n")
            .append("Content-Length: ")
            .append(length)
            .append("\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    return head.append("\r\n").toString();
  }

  /** A response read off the connection. */
  record Reply(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Reads one response; throws when the connection is closed before one arrives or none arrives
   * within the read timeout.
   */
  Reply read() throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new java.io.EOFException("the server closed the connection without an answer");
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(); line != null && !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Reply(status, headers, new String(body, UTF_8));
  }

  /** Whether the server has closed the connection (reads to its end, within the timeout). */
  boolean closedByServer() {
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(ISO_8859_1);
      }
      if (b == '\n') {
        String text = line.toString(ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
