package io.sluice.core.project;

import java.io.StringReader;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a YAML file into SnakeYAML's node tree, which keeps every value's line and column.
 *
 * <p>Project files come from people, but may come from anywhere: the file must be UTF-8 (see {@link
 * TextFile}), an alias may not refer to a collection that contains it (which would make the value
 * infinite), and aliases of collections, nesting and size are bounded so that a small file cannot
 * expand into a huge value (an "alias bomb").
 */
final class YamlFile {
  /** At most this many aliases of collections in one file; plain configuration needs a few. */
  static final int MAX_COLLECTION_ALIASES = 50;

  /** Collections nest at most this deep. */
  static final int MAX_NESTING = 50;

  private YamlFile() {}

  /**
   * The document in {@code file}; an empty file reads as an empty mapping.
   *
   * @return empty after reporting a syntax error, a file that cannot be read or is not UTF-8, or a
   *     recursive alias
   */
  static Optional<Node> read(java.nio.file.Path file, Problems problems) {
    Optional<String> text = TextFile.read(file, problems);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      Node node = yaml().compose(new StringReader(text.get()));
      if (node == null) {
        return Optional.of(emptyMapping(file));
      }
      int before = problems.count();
      checkNotRecursive(file, node, new IdentityHashMap<>(), problems);
      return problems.count() == before ? Optional.of(node) : Optional.empty();
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
      problems.add(at(file, mark), "invalid YAML: " + e.getProblem() + context);
    } catch (YAMLException e) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      if (message.startsWith("Number of aliases")) {
        problems.add(
            at(file, tooManyAliases(text.get())),
            "invalid YAML: more than "
                + MAX_COLLECTION_ALIASES
                + " aliases (*name) of lists or mappings in one file; Sluice refuses them so that"
                + " a small file cannot expand into a huge value");
      } else if (message.startsWith("Nesting Depth exceeded")) {
        problems.add(
            Location.of(file),
            "invalid YAML: lists and mappings nest more than " + MAX_NESTING + " levels deep");
      } else if (message.startsWith("The incoming YAML document exceeds the limit")) {
        problems.add(Location.of(file), "invalid YAML: the document is too large");
      } else {
        problems.add(Location.of(file), "invalid YAML: " + message);
      }
    }
    return Optional.empty();
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowRecursiveKeys(false);
    options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
    options.setNestingDepthLimit(MAX_NESTING);
    options.setCodePointLimit(TextFile.MAX_BYTES);
    return new Yaml(options);
  }

  private static Location at(java.nio.file.Path file, Mark mark) {
    return mark == null
        ? Location.of(file)
        : new Location(file, mark.getLine() + 1, mark.getColumn() + 1);
  }

  /** Where the alias lies that goes over the limit, found again from the parser's events. */
  private static Mark tooManyAliases(String text) {
    Set<String> collections = new java.util.HashSet<>();
    int aliases = 0;
    try {
      for (Event event : yaml().parse(new StringReader(text))) {
        if (event instanceof CollectionStartEvent start && start.getAnchor() != null) {
          collections.add(start.getAnchor());
        } else if (event instanceof AliasEvent alias
            && collections.contains(alias.getAnchor())
            && ++aliases > MAX_COLLECTION_ALIASES) {
          return alias.getStartMark();
        }
      }
    } catch (YAMLException e) {
      // the composer reported the limit; without a position the file alone is named
    }
    return null;
  }

  /**
   * Reports a collection that contains itself through an alias ({@code vars: &v {self: *v}}): every
   * reader of the value would recurse forever.
   */
  private static void checkNotRecursive(
      java.nio.file.Path file, Node node, Map<Node, Boolean> open, Problems problems) {
    if (node instanceof ScalarNode || open.containsKey(node) && !open.get(node)) {
      return;
    }
    open.put(node, true);
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        for (Node child : List.of(tuple.getKeyNode(), tuple.getValueNode())) {
          if (Boolean.TRUE.equals(open.get(child))) {
            problems.add(
                Problems.at(file, tuple.getKeyNode()),
                "invalid YAML: "
                    + describe(tuple.getKeyNode())
                    + " refers by an alias to a mapping or list that contains it; a value cannot"
                    + " contain itself");
          } else {
            checkNotRecursive(file, child, open, problems);
          }
        }
      }
    } else if (node instanceof SequenceNode sequence) {
      for (Node child : sequence.getValue()) {
        if (Boolean.TRUE.equals(open.get(child))) {
          problems.add(
              Problems.at(file, sequence),
              "invalid YAML: an item of this list refers by an alias to a mapping or list that"
                  + " contains it; a value cannot contain itself");
        } else {
          checkNotRecursive(file, child, open, problems);
        }
      }
    }
    // done: a node shared by several aliases is checked once
    open.put(node, false);
  }

  private static String describe(Node key) {
    return key instanceof ScalarNode scalar ? "'" + scalar.getValue() + "'" : "a key";
  }

  private static Node emptyMapping(java.nio.file.Path file) {
    Mark start = new Mark(file.toString(), 0, 0, 0, new int[0], 0);
    return new MappingNode(Tag.MAP, true, List.of(), start, start, FlowStyle.BLOCK);
  }
}
