package io.sluice.core.project;

import io.sluice.api.SluiceException;
import io.sluice.config.DidYouMean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sources and models a run works on, resolved from dbt-style selectors.
 *
 * <p>A selector is one of:
 *
 * <ul>
 *   <li>{@code name}: the model of that name, else the source of that name;
 *   <li>{@code source:name}: the source;
 *   <li>{@code tag:name}: every model with that tag ({@code config(tags=[...])});
 * </ul>
 *
 * each optionally with {@code +} after it (also everything downstream: the models that read it,
 * directly or through other models) and {@code +} before it (also everything upstream: the models
 * it refs, directly or not, and the sources they read). Selectors separated by spaces (or given one
 * per option) are a union; selectors joined by a comma are an intersection ({@code
 * tag:daily,source:orders+}).
 *
 * @param sources the selected sources, in project order
 * @param models the selected models, in project (dependency) order
 */
public record Selection(List<String> sources, List<String> models) {
  public Selection {
    sources = List.copyOf(sources);
    models = List.copyOf(models);
  }

  /** Everything in the project. */
  public static Selection all(Project project) {
    return new Selection(
        project.sources().stream().map(SourceDef::name).toList(),
        project.models().stream().map(ModelDef::name).toList());
  }

  /**
   * Resolves selectors against a project.
   *
   * @param select what to run; empty selects everything
   * @param exclude what to leave out of it
   * @throws SluiceException (user) naming a selector that names nothing, with the names it may have
   *     meant, or when nothing is left to run
   */
  public static Selection of(Project project, List<String> select, List<String> exclude) {
    Set<Node> chosen =
        select.isEmpty() ? everything(project) : resolveAll(project, select, "--select");
    if (!exclude.isEmpty()) {
      chosen.removeAll(resolveAll(project, exclude, "--exclude"));
    }
    if (chosen.isEmpty()) {
      throw SluiceException.user(
          "The selection %s%s selects no source and no model",
          String.join(" ", select),
          exclude.isEmpty() ? "" : " --exclude " + String.join(" ", exclude));
    }
    List<String> sources = new ArrayList<>();
    for (SourceDef source : project.sources()) {
      if (chosen.contains(Node.source(source.name()))) {
        sources.add(source.name());
      }
    }
    List<String> models = new ArrayList<>();
    for (ModelDef model : project.models()) {
      if (chosen.contains(Node.model(model.name()))) {
        models.add(model.name());
      }
    }
    return new Selection(sources, models);
  }

  public boolean hasSource(String name) {
    return sources.contains(name);
  }

  public boolean hasModel(String name) {
    return models.contains(name);
  }

  /** A source or a model. */
  private record Node(boolean isSource, String name) {
    static Node source(String name) {
      return new Node(true, name);
    }

    static Node model(String name) {
      return new Node(false, name);
    }
  }

  private static Set<Node> everything(Project project) {
    Set<Node> all = new LinkedHashSet<>();
    project.sources().forEach(s -> all.add(Node.source(s.name())));
    project.models().forEach(m -> all.add(Node.model(m.name())));
    return all;
  }

  private static Set<Node> resolveAll(Project project, List<String> selectors, String option) {
    Set<Node> union = new LinkedHashSet<>();
    for (String argument : selectors) {
      for (String selector : argument.trim().split("\\s+")) {
        if (selector.isEmpty()) {
          continue;
        }
        Set<Node> intersection = null;
        for (String part : selector.split(",", -1)) {
          Set<Node> nodes = resolve(project, part, option);
          if (intersection == null) {
            intersection = nodes;
          } else {
            intersection.retainAll(nodes);
          }
        }
        union.addAll(intersection);
      }
    }
    return union;
  }

  private static Set<Node> resolve(Project project, String selector, String option) {
    String text = selector;
    boolean upstream = text.startsWith("+");
    boolean downstream = text.endsWith("+") && text.length() > 1;
    text = text.substring(upstream ? 1 : 0, text.length() - (downstream ? 1 : 0));
    if (text.isEmpty()) {
      throw SluiceException.user(
          "%s '%s': a selector needs a name, e.g. daily_revenue+, +daily_revenue, tag:daily or"
              + " source:orders",
          option, selector);
    }
    Set<Node> roots = new LinkedHashSet<>();
    int colon = text.indexOf(':');
    String method = colon < 0 ? "" : text.substring(0, colon);
    String name = text.substring(colon + 1);
    switch (method) {
      case "" -> {
        if (project.models().stream().anyMatch(m -> m.name().equals(name))) {
          roots.add(Node.model(name));
        } else if (project.source(name).isPresent()) {
          roots.add(Node.source(name));
        } else {
          List<String> names = new ArrayList<>();
          project.models().forEach(m -> names.add(m.name()));
          project.sources().forEach(s -> names.add(s.name()));
          throw SluiceException.user(
              "%s '%s': no model or source is named '%s'%s; models: %s; sources: %s",
              option,
              selector,
              name,
              DidYouMean.hint(name, names),
              join(project.models().stream().map(ModelDef::name).toList()),
              join(project.sources().stream().map(SourceDef::name).toList()));
        }
      }
      case "source" -> {
        if (project.source(name).isEmpty()) {
          List<String> names = project.sources().stream().map(SourceDef::name).toList();
          throw SluiceException.user(
              "%s '%s': no source is named '%s'%s; sources: %s",
              option, selector, name, DidYouMean.hint(name, names), join(names));
        }
        roots.add(Node.source(name));
      }
      case "tag" -> {
        project.models().stream()
            .filter(m -> m.tags().contains(name))
            .forEach(m -> roots.add(Node.model(m.name())));
        if (roots.isEmpty()) {
          Set<String> tags = new TreeSet<>();
          project.models().forEach(m -> tags.addAll(m.tags()));
          throw SluiceException.user(
              "%s '%s': no model has the tag '%s'%s; tags in use: %s (a model's tags are set with"
                  + " {{ config(tags=['daily']) }})",
              option, selector, name, DidYouMean.hint(name, tags), join(List.copyOf(tags)));
        }
      }
      default ->
          throw SluiceException.user(
              "%s '%s': unknown selector method '%s:'%s; use a name, source:NAME or tag:NAME,"
                  + " with + before or after for what is upstream or downstream",
              option, selector, method, DidYouMean.hint(method, List.of("source", "tag")));
    }
    Set<Node> nodes = new LinkedHashSet<>(roots);
    if (downstream) {
      nodes.addAll(walk(project, roots, true));
    }
    if (upstream) {
      nodes.addAll(walk(project, roots, false));
    }
    return nodes;
  }

  /** Everything reachable from {@code roots} downstream (readers) or upstream (what they read). */
  private static Set<Node> walk(Project project, Set<Node> roots, boolean downstream) {
    Set<Node> seen = new LinkedHashSet<>(roots);
    Deque<Node> queue = new ArrayDeque<>(roots);
    while (!queue.isEmpty()) {
      Node node = queue.poll();
      for (Node next : downstream ? readers(project, node) : inputs(project, node)) {
        if (seen.add(next)) {
          queue.add(next);
        }
      }
    }
    seen.removeAll(roots);
    return seen;
  }

  private static List<Node> readers(Project project, Node node) {
    List<Node> readers = new ArrayList<>();
    for (ModelDef model : project.models()) {
      if (node.isSource()
          ? model.sources().contains(node.name())
          : model.refs().contains(node.name())) {
        readers.add(Node.model(model.name()));
      }
    }
    return readers;
  }

  private static List<Node> inputs(Project project, Node node) {
    if (node.isSource()) {
      return List.of();
    }
    List<Node> inputs = new ArrayList<>();
    project.models().stream()
        .filter(m -> m.name().equals(node.name()))
        .findFirst()
        .ifPresent(
            model -> {
              model.refs().forEach(ref -> inputs.add(Node.model(ref)));
              model.sources().forEach(source -> inputs.add(Node.source(source)));
            });
    return inputs;
  }

  private static String join(List<String> names) {
    return names.isEmpty() ? "(none)" : String.join(", ", names);
  }
}
