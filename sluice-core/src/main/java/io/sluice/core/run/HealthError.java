package io.sluice.core.run;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.core.project.ColumnDef;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failure as {@code /health} shows it to a caller with the health token: its category and a
 * message cut to what names the problem, never the data. The message keeps its first line only (an
 * engine error's later lines quote the generated SQL), replaces every quoted literal that is not a
 * name of the project (a source, model or column) or one of its files with {@code '…'} (it may be a
 * record's value), replaces long numbers with {@code #}, writes paths inside the project relative
 * to it and others as their file name. The full error goes to the server's log only.
 */
public final class HealthError {
  private static final int MAX_LENGTH = 300;
  private static final Pattern QUOTED = Pattern.compile("(['\"])(.*?)\\1");
  private static final Pattern ABSOLUTE_PATH =
      Pattern.compile("(?<![\\w.:/])/(?:[^\\s'\"/:,;()\\[\\]]+/)*([^\\s'\"/:,;()\\[\\]]+)");
  private static final Pattern LONG_NUMBER = Pattern.compile("(?<![\\w.#])\\d{5,}(?:\\.\\d+)?");

  private final List<String> roots;
  private final Set<String> names;
  private final Path directory;

  public HealthError(Project project) {
    this.directory = project.directory().toAbsolutePath().normalize();
    List<String> roots = new ArrayList<>();
    roots.add(directory.toString());
    try {
      String real = directory.toRealPath().toString();
      if (!roots.contains(real)) {
        roots.add(real);
      }
    } catch (IOException e) {
      // the folder is gone: its configured path is all there is to hide
    }
    this.roots = List.copyOf(roots);
    Set<String> names = new HashSet<>();
    for (SourceDef source : project.sources()) {
      names.add(source.name());
      for (ColumnDef column : source.columns()) {
        names.add(column.name());
      }
    }
    for (ModelDef model : project.models()) {
      names.add(model.name());
    }
    this.names = Set.copyOf(names);
  }

  /** {@code category} and {@code message} of a failure, for {@code /health}'s details. */
  Map<String, Object> describe(Throwable failure) {
    ErrorCategory category =
        failure instanceof SluiceException sluice ? sluice.category() : ErrorCategory.INTERNAL;
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("category", category.name().toLowerCase(Locale.ROOT));
    error.put(
        "message",
        failure instanceof SluiceException || failure.getMessage() == null
            ? redact(String.valueOf(failure.getMessage()))
            : failure.getClass().getSimpleName() + ": " + redact(failure.getMessage()));
    return error;
  }

  /**
   * {@code message} cut to what names the problem: its first line, quoted values, long numbers and
   * paths outside the project hidden, at most 300 characters (also for alert messages).
   */
  public String redact(String message) {
    int newline = message.indexOf('\n');
    String text = (newline < 0 ? message : message.substring(0, newline)).strip();
    for (String root : roots) {
      text = text.replace(root + "/", "").replace(root, ".");
    }
    text = ABSOLUTE_PATH.matcher(text).replaceAll(m -> Matcher.quoteReplacement("…/" + m.group(1)));
    text =
        QUOTED
            .matcher(text)
            .replaceAll(
                m ->
                    Matcher.quoteReplacement(
                        isName(m.group(2)) ? m.group() : m.group(1) + "…" + m.group(1)));
    text = LONG_NUMBER.matcher(text).replaceAll("#");
    return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH - 1) + "…";
  }

  private boolean isName(String quoted) {
    if (quoted.isEmpty()) {
      return true;
    }
    String last = quoted.substring(quoted.lastIndexOf('.') + 1);
    if (names.contains(quoted) || (quoted.indexOf(' ') < 0 && names.contains(last))) {
      return true;
    }
    if (quoted.contains("/") && !quoted.startsWith("…")) {
      try {
        Path file = directory.resolve(quoted).normalize();
        return file.startsWith(directory) && Files.exists(file);
      } catch (InvalidPathException e) {
        return false;
      }
    }
    return false;
  }
}
