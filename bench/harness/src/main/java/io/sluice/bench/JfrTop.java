package io.sluice.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarizes a JFR recording: where the sampled threads were, by the method on top of the stack
 * (self), and by every Sluice method on the stack (inclusive). Java code is sampled by {@code
 * jdk.ExecutionSample}; threads inside native code (DuckDB's C++) by {@code
 * jdk.NativeMethodSample}, which shows the JNI method that called into it.
 *
 * <pre>JfrTop FILE.jfr [N]</pre>
 */
public final class JfrTop {
  private JfrTop() {}

  public static void main(String[] args) throws IOException {
    System.out.print(summarize(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 30));
  }

  static String summarize(Path jfr, int top) throws IOException {
    Map<String, Long> javaSelf = new HashMap<>();
    Map<String, Long> nativeSelf = new HashMap<>();
    Map<String, Long> sluiceInclusive = new HashMap<>();
    long javaSamples = 0;
    long nativeSamples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
      String type = event.getEventType().getName();
      boolean java = type.equals("jdk.ExecutionSample");
      if (!java && !type.equals("jdk.NativeMethodSample")) {
        continue;
      }
      RecordedStackTrace stack = event.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      List<RecordedFrame> frames = stack.getFrames();
      String topFrame = name(frames.get(0));
      if (java) {
        javaSamples++;
        javaSelf.merge(topFrame, 1L, Long::sum);
      } else {
        nativeSamples++;
        nativeSelf.merge(topFrame, 1L, Long::sum);
      }
      Set<String> seen = new HashSet<>();
      for (RecordedFrame frame : frames) {
        String n = name(frame);
        if (n.startsWith("io.sluice.") && seen.add(n)) {
          sluiceInclusive.merge(n + (java ? "" : " [in native]"), 1L, Long::sum);
        }
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%s: %,d Java samples, %,d native-method samples%n%n",
            jfr.getFileName(),
            javaSamples,
            nativeSamples));
    section(out, "Java, self (method on top of the stack)", javaSelf, javaSamples, top);
    section(
        out,
        "Native, self (the Java method that called into native code)",
        nativeSelf,
        nativeSamples,
        top);
    section(
        out,
        "Sluice methods, inclusive (Java samples, and native samples marked)",
        sluiceInclusive,
        javaSamples + nativeSamples,
        top);
    return out.toString();
  }

  private static void section(
      StringBuilder out, String title, Map<String, Long> counts, long total, int top) {
    out.append(title).append('\n');
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e ->
                out.append(
                    String.format(
                        Locale.ROOT,
                        "  %6.1f%%  %7d  %s%n",
                        total == 0 ? 0 : 100.0 * e.getValue() / total,
                        e.getValue(),
                        e.getKey())));
    out.append('\n');
  }

  private static String name(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }
}
