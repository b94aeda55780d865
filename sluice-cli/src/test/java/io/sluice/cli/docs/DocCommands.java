package io.sluice.cli.docs;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell commands a Markdown document shows: every line of its {@code ```bash} blocks, a line
 * ending in {@code \} joined with the next, blank lines and {@code #} comment lines left out.
 *
 * <p>A block may be preceded by markers, HTML comments that the rendered page does not show: {@code
 * <!-- docs-check: skip PREFIX (why) -->} leaves out the block's commands that start with {@code
 * PREFIX} (for example {@code ./mvnw verify}, the build that runs this check). A marker anywhere
 * but right before a block (blank lines aside), or one the checker does not know, is an error, so
 * that a marker cannot silently stop applying.
 */
public final class DocCommands {
  private static final Pattern MARKER = Pattern.compile("<!--\\s*docs-check:\\s*(.*?)\\s*-->");
  private static final Pattern SKIP = Pattern.compile("skip\\s+(\\S.*?)\\s*\\((.+)\\)");

  private DocCommands() {}

  /**
   * One command of a document.
   *
   * @param line the line of the document where it starts (1-based)
   * @param text the command, continuation lines joined
   */
  public record Command(int line, String text) {
    public Command {
      requireNonNull(text, "text is null");
    }
  }

  /** The commands {@code markdown} shows, in order, without those its markers skip. */
  public static List<Command> extract(String markdown) {
    List<Command> commands = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    List<String> skips = new ArrayList<>();
    int markerLine = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      Matcher marker = MARKER.matcher(line);
      if (marker.matches()) {
        Matcher skip = SKIP.matcher(marker.group(1));
        if (!skip.matches()) {
          throw new IllegalArgumentException(
              "line " + (i + 1) + ": unknown docs-check marker '" + marker.group(1) + "'");
        }
        skips.add(skip.group(1));
        markerLine = i + 1;
        continue;
      }
      if (line.startsWith("```")) {
        boolean bash = line.equals("```bash") || line.equals("```sh") || line.equals("```shell");
        i = block(lines, i + 1, bash ? commands : new ArrayList<>(), skips);
        skips.clear();
        continue;
      }
      if (!line.isEmpty() && !skips.isEmpty()) {
        throw new IllegalArgumentException(
            "line " + markerLine + ": a docs-check marker must come right before a ```bash block");
      }
    }
    if (!skips.isEmpty()) {
      throw new IllegalArgumentException(
          "line " + markerLine + ": a docs-check marker must come right before a ```bash block");
    }
    return commands;
  }

  /** Adds the commands of the block starting at {@code start}; returns its closing line's index. */
  private static int block(String[] lines, int start, List<Command> commands, List<String> skips) {
    List<String> unused = new ArrayList<>(skips);
    StringBuilder command = null;
    int commandLine = 0;
    int i = start;
    for (; i < lines.length && !lines[i].strip().startsWith("```"); i++) {
      String line = lines[i];
      if (command == null) {
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
          continue;
        }
        command = new StringBuilder();
        commandLine = i + 1;
      }
      boolean continued = line.stripTrailing().endsWith("\\");
      command.append(continued ? line.stripTrailing() + "\n" : line.strip());
      if (!continued) {
        String text = command.toString().strip();
        String skip = skips.stream().filter(text::startsWith).findFirst().orElse(null);
        if (skip == null) {
          commands.add(new Command(commandLine, text));
        } else {
          unused.remove(skip);
        }
        command = null;
      }
    }
    if (i == lines.length) {
      throw new IllegalArgumentException("line " + start + ": a ``` block is never closed");
    }
    if (!unused.isEmpty()) {
      throw new IllegalArgumentException(
          "line " + start + ": docs-check skips '" + unused.get(0) + "', no command of the block");
    }
    return i;
  }
}
