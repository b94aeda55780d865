package io.sluice.core.project;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Orders models so that each comes after the models it refs (Kahn's algorithm, ties broken by
 * name), and finds the cycles that prevent it.
 */
final class ModelGraph {
  private ModelGraph() {}

  /**
   * The outcome of ordering.
   *
   * @param order every model that is neither in a cycle nor refs one, dependencies first
   * @param cycles each cycle as its models in ref order, starting from the smallest name
   */
  record Result(List<String> order, List<List<String>> cycles) {
    Result {
      order = List.copyOf(order);
      cycles = List.copyOf(cycles);
    }
  }

  /**
   * Orders a graph.
   *
   * @param refs each model's refs to other models of the graph
   */
  static Result sort(Map<String, Set<String>> refs) {
    SortedMap<String, TreeSet<String>> dependencies = new TreeMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    refs.forEach((model, targets) -> dependencies.put(model, new TreeSet<>(targets)));
    for (Map.Entry<String, TreeSet<String>> entry : dependencies.entrySet()) {
      for (String target : entry.getValue()) {
        if (!dependencies.containsKey(target)) {
          throw new IllegalArgumentException("ref to a model outside the graph: " + target);
        }
        dependents.computeIfAbsent(target, t -> new ArrayList<>()).add(entry.getKey());
      }
    }
    Map<String, Integer> waitingFor = new HashMap<>();
    dependencies.forEach((model, targets) -> waitingFor.put(model, targets.size()));
    TreeSet<String> ready = new TreeSet<>();
    waitingFor.forEach(
        (model, count) -> {
          if (count == 0) {
            ready.add(model);
          }
        });
    List<String> order = new ArrayList<>();
    List<List<String>> cycles = new ArrayList<>();
    TreeSet<String> remaining = new TreeSet<>(dependencies.keySet());
    while (!remaining.isEmpty()) {
      while (!ready.isEmpty()) {
        String model = ready.pollFirst();
        order.add(model);
        remaining.remove(model);
        release(model, dependents, waitingFor, ready);
      }
      if (remaining.isEmpty()) {
        break;
      }
      // Every model left waits for another model left: walking along refs must come back.
      List<String> cycle = findCycle(remaining.first(), dependencies, remaining);
      cycles.add(cycle);
      for (String model : cycle) {
        remaining.remove(model);
        waitingFor.put(model, -1);
      }
      for (String model : cycle) {
        release(model, dependents, waitingFor, ready);
      }
      // models behind a cycle cannot run: leave them out of the order, look for more cycles
      while (!ready.isEmpty()) {
        String model = ready.pollFirst();
        remaining.remove(model);
        release(model, dependents, waitingFor, ready);
      }
    }
    return new Result(order, cycles);
  }

  private static void release(
      String model,
      Map<String, List<String>> dependents,
      Map<String, Integer> waitingFor,
      TreeSet<String> ready) {
    for (String dependent : dependents.getOrDefault(model, List.of())) {
      int count = waitingFor.get(dependent);
      if (count > 0) {
        waitingFor.put(dependent, count - 1);
        if (count == 1) {
          ready.add(dependent);
        }
      }
    }
  }

  private static List<String> findCycle(
      String start, Map<String, TreeSet<String>> dependencies, Set<String> remaining) {
    List<String> path = new ArrayList<>();
    Map<String, Integer> index = new HashMap<>();
    String current = start;
    while (!index.containsKey(current)) {
      index.put(current, path.size());
      path.add(current);
      current =
          dependencies.get(current).stream()
              .filter(remaining::contains)
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no cycle from " + start));
    }
    List<String> cycle = new ArrayList<>(path.subList(index.get(current), path.size()));
    Collections.rotate(cycle, -cycle.indexOf(Collections.min(cycle)));
    return cycle;
  }
}
