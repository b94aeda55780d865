package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** A project that cannot be loaded, with every problem found. */
public final class ProjectException extends SluiceException {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;
  private final transient Path directory; // null when the project folder is not known

  public ProjectException(List<Problem> problems) {
    super(ErrorCategory.USER, format(Optional.empty(), problems));
    this.problems = List.copyOf(problems);
    this.directory = null;
  }

  /**
   * Problems of the project in {@code directory}; the message shows files relative to it, e.g.
   * {@code sources/orders.yaml:12:5: unknown key 'delimter' in csv (did you mean 'delimiter'?)}.
   */
  public ProjectException(Path directory, List<Problem> problems) {
    super(ErrorCategory.USER, format(Optional.of(directory), problems));
    this.problems = List.copyOf(problems);
    this.directory = directory;
  }

  public List<Problem> problems() {
    return problems;
  }

  /** The project folder, when known. */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  private static String format(Optional<Path> directory, List<Problem> problems) {
    return problems.size()
        + (problems.size() == 1 ? " problem" : " problems")
        + directory.map(d -> " in the project " + d + ":\n").orElse(" in the project:\n")
        + problems.stream()
            .map(p -> "  " + directory.map(p::display).orElse(p.toString()))
            .collect(Collectors.joining("\n"));
  }

  /**
   * One problem.
   *
   * @param location where
   * @param message what is wrong, and a suggestion where there is one
   */
  public record Problem(Location location, String message) {
    public Problem {
      requireNonNull(location, "location is null");
      requireNonNull(message, "message is null");
    }

    @Override
    public String toString() {
      return location + ": " + message;
    }

    /** The problem with its file relative to {@code base}, see {@link Location#display}. */
    public String display(Path base) {
      return location.display(base) + ": " + message;
    }
  }
}
