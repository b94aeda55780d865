package io.sluice.core.project;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.UnicodeReader;

/** Reads a YAML file into SnakeYAML's node tree, which keeps every value's line and column. */
final class YamlFile {
  private YamlFile() {}

  /**
   * The document in {@code file}; an empty file reads as an empty mapping.
   *
   * @return empty after reporting a syntax error or a file that cannot be read
   */
  static Optional<Node> read(Path file, Problems problems) {
    problems.reading(file);
    try (InputStream in = Files.newInputStream(file);
        Reader reader = new UnicodeReader(in)) {
      Node node = new Yaml(new LoaderOptions()).compose(reader);
      return Optional.of(node != null ? node : emptyMapping(file));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
      problems.add(
          mark == null
              ? Location.of(file)
              : new Location(file, mark.getLine() + 1, mark.getColumn() + 1),
          "invalid YAML: " + e.getProblem() + context);
    } catch (YAMLException e) {
      problems.add(Location.of(file), "invalid YAML: " + e.getMessage());
    } catch (IOException e) {
      problems.add(Location.of(file), "cannot read the file: " + e);
    }
    return Optional.empty();
  }

  private static Node emptyMapping(Path file) {
    Mark start = new Mark(file.toString(), 0, 0, 0, new int[0], 0);
    return new MappingNode(Tag.MAP, true, List.of(), start, start, FlowStyle.BLOCK);
  }
}
