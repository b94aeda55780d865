package io.sluice.core.project;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelGraphTest {
  @Test
  void putsEveryModelAfterItsRefsWithTiesByName() {
    Map<String, Set<String>> refs = new LinkedHashMap<>();
    refs.put("report", Set.of("daily", "weekly"));
    refs.put("weekly", Set.of("clean"));
    refs.put("daily", Set.of("clean"));
    refs.put("clean", Set.of());
    refs.put("alone", Set.of());

    ModelGraph.Result result = ModelGraph.sort(refs);

    assertThat(result.order()).containsExactly("alone", "clean", "daily", "weekly", "report");
    assertThat(result.cycles()).isEmpty();
  }

  @Test
  void findsEachCycleStartingFromItsSmallestName() {
    Map<String, Set<String>> refs = new LinkedHashMap<>();
    refs.put("c", Set.of("a"));
    refs.put("a", Set.of("b"));
    refs.put("b", Set.of("c"));
    refs.put("x", Set.of("y"));
    refs.put("y", Set.of("x"));
    refs.put("ok", Set.of());

    ModelGraph.Result result = ModelGraph.sort(refs);

    assertThat(result.cycles()).containsExactly(List.of("a", "b", "c"), List.of("x", "y"));
    assertThat(result.order()).containsExactly("ok");
  }

  @Test
  void reportsOnlyTheCycleNotTheModelsThatDependOnIt() {
    Map<String, Set<String>> refs = new LinkedHashMap<>();
    refs.put("a_downstream", Set.of("m"));
    refs.put("m", Set.of("n"));
    refs.put("n", Set.of("m"));

    ModelGraph.Result result = ModelGraph.sort(refs);

    assertThat(result.cycles()).containsExactly(List.of("m", "n"));
    assertThat(result.order()).isEmpty();
  }

  @Test
  void findsASelfReference() {
    ModelGraph.Result result = ModelGraph.sort(Map.of("me", Set.of("me")));

    assertThat(result.cycles()).containsExactly(List.of("me"));
  }
}
