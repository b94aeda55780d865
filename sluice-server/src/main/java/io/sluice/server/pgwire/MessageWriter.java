package io.sluice.server.pgwire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes backend messages: a type byte, a length, and the body built in between. */
final class MessageWriter {
  private final OutputStream out;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream(256);

  MessageWriter(OutputStream out) {
    this.out = out;
  }

  MessageWriter int8(int value) {
    body.write(value);
    return this;
  }

  MessageWriter int16(int value) {
    body.write(value >>> 8);
    body.write(value);
    return this;
  }

  MessageWriter int32(int value) {
    body.write(value >>> 24);
    body.write(value >>> 16);
    body.write(value >>> 8);
    body.write(value);
    return this;
  }

  MessageWriter bytes(byte[] value) {
    body.write(value, 0, value.length);
    return this;
  }

  /** A NUL-terminated UTF-8 string. */
  MessageWriter string(String value) {
    return bytes(value.getBytes(StandardCharsets.UTF_8)).int8(0);
  }

  /** Sends the message built so far with the given type byte. */
  void send(char type) throws IOException {
    out.write(type);
    int length = body.size() + 4;
    out.write(length >>> 24);
    out.write(length >>> 16);
    out.write(length >>> 8);
    out.write(length);
    body.writeTo(out);
    body.reset();
  }

  /** Sends one raw byte (the answer to SSLRequest and GSSENCRequest). */
  void raw(int value) throws IOException {
    out.write(value);
  }

  void flush() throws IOException {
    out.flush();
  }
}
