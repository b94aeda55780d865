package io.sluice.connect.files;

/** Strict UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). */
final class Utf8 {
  private Utf8() {}

  /** The index of the first byte that does not start a valid sequence, or -1 if all are valid. */
  static int firstInvalid(byte[] bytes, int from, int to) {
    int i = from;
    while (i < to) {
      if (bytes[i] >= 0) {
        i++;
        continue;
      }
      int length = sequenceLength(bytes, i, to);
      if (length < 0) {
        return i;
      }
      i += length;
    }
    return -1;
  }

  /**
   * The length of the valid sequence that starts at {@code bytes[i]} and ends before {@code to}, or
   * -1 if none does.
   */
  static int sequenceLength(byte[] bytes, int i, int to) {
    int c = bytes[i];
    if (c >= 0) {
      return 1;
    }
    c &= 0xFF;
    if (c >= 0xC2 && c <= 0xDF) {
      return i + 1 < to && isContinuation(bytes[i + 1]) ? 2 : -1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      if (i + 2 >= to) {
        return -1;
      }
      int b1 = bytes[i + 1] & 0xFF;
      if ((c == 0xE0 && b1 < 0xA0) || (c == 0xED && b1 > 0x9F)) {
        return -1;
      }
      return isContinuation(bytes[i + 1]) && isContinuation(bytes[i + 2]) ? 3 : -1;
    } else if (c >= 0xF0 && c <= 0xF4) {
      if (i + 3 >= to) {
        return -1;
      }
      int b1 = bytes[i + 1] & 0xFF;
      if ((c == 0xF0 && b1 < 0x90) || (c == 0xF4 && b1 > 0x8F)) {
        return -1;
      }
      return isContinuation(bytes[i + 1])
              && isContinuation(bytes[i + 2])
              && isContinuation(bytes[i + 3])
          ? 4
          : -1;
    }
    return -1;
  }

  private static boolean isContinuation(byte b) {
    return (b & 0xC0) == 0x80;
  }
}
