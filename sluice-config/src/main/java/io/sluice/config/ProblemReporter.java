package io.sluice.config;

import org.yaml.snakeyaml.nodes.Node;

/**
 * Receives the problems found while reading one YAML file. The reporter knows the file; the node
 * gives the line and column.
 */
@FunctionalInterface
public interface ProblemReporter {
  /**
   * Records a problem.
   *
   * @param node where the problem is (its start mark)
   * @param message what is wrong, and a suggestion where there is one
   */
  void report(Node node, String message);
}
