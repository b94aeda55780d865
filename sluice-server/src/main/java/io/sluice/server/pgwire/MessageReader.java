package io.sluice.server.pgwire;

import java.nio.charset.StandardCharsets;

/** Reads the fields of one message body; running past its end is a protocol violation. */
final class MessageReader {
  private final byte[] body;
  private int at;

  MessageReader(byte[] body) {
    this.body = body;
  }

  int remaining() {
    return body.length - at;
  }

  byte readByte() {
    need(1);
    return body[at++];
  }

  short readShort() {
    need(2);
    short value = (short) (((body[at] & 0xff) << 8) | (body[at + 1] & 0xff));
    at += 2;
    return value;
  }

  int readInt() {
    need(4);
    int value =
        ((body[at] & 0xff) << 24)
            | ((body[at + 1] & 0xff) << 16)
            | ((body[at + 2] & 0xff) << 8)
            | (body[at + 3] & 0xff);
    at += 4;
    return value;
  }

  byte[] readBytes(int length) {
    if (length < 0) {
      throw PgError.protocol("Negative length %d in a message", length);
    }
    need(length);
    byte[] out = new byte[length];
    System.arraycopy(body, at, out, 0, length);
    at += length;
    return out;
  }

  /** A NUL-terminated UTF-8 string. */
  String readString() {
    int end = at;
    while (end < body.length && body[end] != 0) {
      end++;
    }
    if (end >= body.length) {
      throw PgError.protocol("A string in a message is not terminated");
    }
    String value = new String(body, at, end - at, StandardCharsets.UTF_8);
    at = end + 1;
    return value;
  }

  /** A count field: not negative and not beyond what the rest of the body could hold. */
  int readCount(int bytesEach) {
    int count = readShort() & 0xffff;
    if ((long) count * bytesEach > remaining()) {
      throw PgError.protocol("A count of %d exceeds the message", count);
    }
    return count;
  }

  private void need(int bytes) {
    if (bytes > body.length - at) {
      throw PgError.protocol("A message is shorter than its fields");
    }
  }
}
