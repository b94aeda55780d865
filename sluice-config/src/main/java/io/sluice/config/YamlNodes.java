package io.sluice.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Helpers over SnakeYAML's node tree, shared by the config machinery and the loader. */
public final class YamlNodes {
  private YamlNodes() {}

  /** True for an empty value ({@code key:}) or an explicit {@code null} / {@code ~}. */
  public static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  /** How a value reads in a message: {@code 'text'}, {@code nothing}, {@code a list}, ... */
  public static String describe(Node node) {
    if (isNull(node)) {
      return "nothing";
    }
    if (node instanceof ScalarNode scalar) {
      return "'" + scalar.getValue() + "'";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return "a mapping";
  }

  /**
   * The plain Java value of a node as YAML gives it: {@code String}, {@code Boolean}, {@code
   * Integer}/{@code Long}/{@code BigInteger}, {@code Double}, {@code List}, {@code Map} (in file
   * order) or {@code null}. Timestamps and other tagged scalars are kept as their text.
   */
  public static Object toJava(Node node) {
    if (node instanceof ScalarNode scalar) {
      Tag tag = scalar.getTag();
      if (Tag.NULL.equals(tag)
          || Tag.BOOL.equals(tag)
          || Tag.INT.equals(tag)
          || Tag.FLOAT.equals(tag)) {
        return new ScalarConstructor().construct(scalar);
      }
      return scalar.getValue();
    }
    if (node instanceof SequenceNode sequence) {
      List<Object> list = new ArrayList<>();
      for (Node item : sequence.getValue()) {
        list.add(toJava(item));
      }
      return list;
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (NodeTuple tuple : ((MappingNode) node).getValue()) {
      map.put(text(tuple.getKeyNode()), toJava(tuple.getValueNode()));
    }
    return map;
  }

  /** The text of a scalar, or how a collection reads in a message. */
  public static String text(Node node) {
    return node instanceof ScalarNode scalar ? scalar.getValue() : describe(node);
  }

  /** 1-based line of where a node starts. */
  public static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  /** 1-based column of where a node starts. */
  public static int column(Node node) {
    return node.getStartMark().getColumn() + 1;
  }

  /**
   * SnakeYAML's own YAML 1.1 rules for ints, floats, booleans and nulls. A constructor keeps state
   * while it works, hence one per call.
   */
  private static final class ScalarConstructor extends SafeConstructor {
    ScalarConstructor() {
      super(new LoaderOptions());
    }

    Object construct(ScalarNode node) {
      return constructObject(node);
    }
  }
}
