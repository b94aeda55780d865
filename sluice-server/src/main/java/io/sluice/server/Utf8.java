package io.sluice.server;

/** Strict UTF-8 validation (no overlong forms, no surrogates, nothing above U+10FFFF). */
final class Utf8 {
  private Utf8() {}

  /** The index of the first byte of the first invalid sequence in [from, to), or -1. */
  static int firstInvalid(byte[] bytes, int from, int to) {
    int i = from;
    while (i < to) {
      if (bytes[i] >= 0) {
        i++;
        continue;
      }
      int next = sequenceEnd(bytes, i, to);
      if (next < 0) {
        return i;
      }
      i = next;
    }
    return -1;
  }

  /**
   * The index after the multi-byte sequence that starts at {@code i} (below {@code to}), or -1 when
   * it is not a valid one.
   */
  static int sequenceEnd(byte[] bytes, int i, int to) {
    int lead = bytes[i] & 0xFF;
    int length;
    int min;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      min = 0x10000;
    } else {
      return -1;
    }
    if (i + length > to) {
      return -1;
    }
    int code = lead & (0xFF >> (length + 1));
    for (int k = 1; k < length; k++) {
      int next = bytes[i + k] & 0xFF;
      if ((next & 0xC0) != 0x80) {
        return -1;
      }
      code = (code << 6) | (next & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return -1;
    }
    return i + length;
  }
}
