package io.sluice.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.engine.ModelRequest.Materialization;
import io.sluice.core.model.ModelAnalysis.Call;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelAnalyzerTest {
  @Test
  void recordsRefsSourcesAndConfigWithTheirPositions() {
    ModelAnalysis analysis =
        ModelAnalyzer.analyze(
            "daily",
            """
            {{ config(materialized='table') }}
            SELECT * FROM {{ ref('orders_clean') }}
              JOIN {{ source('shop', "customers") }} USING (id)
              JOIN {{ ref( 'orders_clean' ) }} USING (id)
            """,
            Map.of());

    assertThat(analysis)
        .isEqualTo(
            new ModelAnalysis(
                List.of(new Call("orders_clean", 2, 18)),
                List.of(new Call("customers", 3, 11)),
                Materialization.TABLE,
                List.of(),
                List.of(),
                List.of()));
  }

  @Test
  void defaultsToAView() {
    ModelAnalysis analysis = ModelAnalyzer.analyze("a", "SELECT 1", Map.of());

    assertThat(analysis.materialization()).isEqualTo(Materialization.VIEW);
    assertThat(analysis.uniqueKey()).isEmpty();
  }

  @Test
  void readsAUniqueKeyGivenAsAColumnOrAList() {
    assertThat(
            ModelAnalyzer.analyze(
                    "a", "{{ config(materialized='incremental', unique_key='id') }}", Map.of())
                .uniqueKey())
        .containsExactly("id");
    assertThat(
            ModelAnalyzer.analyze(
                    "a",
                    "{{ config(materialized='incremental', unique_key=['day', 'country']) }}",
                    Map.of())
                .uniqueKey())
        .containsExactly("day", "country");
  }

  @Test
  void locatesACallWhoseNameIsComputedAtTheLineJinjavaRenders() {
    ModelAnalysis analysis =
        ModelAnalyzer.analyze(
            "a", "{% set m = 'orders' %}\nSELECT *\nFROM {{ ref(m) }}\n", Map.of());

    assertThat(analysis.refs()).containsExactly(new Call("orders", 3, 0));
  }

  @Test
  void locatesTheCallOnTheLineBeingRenderedWhenTheNameAppearsEarlierInAComment() {
    ModelAnalysis analysis =
        ModelAnalyzer.analyze(
            "a", "{# was {{ ref('orders') }} #}\nSELECT *\nFROM {{ ref('orders') }}\n", Map.of());

    assertThat(analysis.refs()).containsExactly(new Call("orders", 3, 9));
  }

  @Test
  void reportsWronglyCalledFunctions() {
    ModelAnalysis analysis =
        ModelAnalyzer.analyze(
            "a", "SELECT {{ ref('a', 'b') }}\n{{ source() }}\n{{ var() }}\n", Map.of());

    assertThat(analysis.problems())
        .containsExactly(
            new TemplateProblem(
                1, 0, "ref() takes one model name, e.g. ref('orders'), found ('a', 'b')"),
            new TemplateProblem(
                2, 0, "source() takes a source name, e.g. source('orders'), found ()"),
            new TemplateProblem(
                3,
                0,
                "var() takes a name and an optional default, e.g. var('start', '2024-01-01'),"
                    + " found ()"));
  }

  @Test
  void reportsAnUnknownUniqueKeyValue() {
    ModelAnalysis analysis =
        ModelAnalyzer.analyze(
            "a", "{{ config(materialized='incremental', unique_key=[1]) }}", Map.of());

    assertThat(analysis.problems())
        .containsExactly(
            new TemplateProblem(
                1,
                0,
                "config(): unique_key: expected a column name or a list of column names, found"
                    + " [1]"));
  }

  @Test
  void rendersThisAsTheModelNameAndVarsFromTheProject() {
    ModelAnalysis analysis =
        ModelAnalyzer.analyze(
            "daily",
            "{{ config(materialized='incremental') }}"
                + "{% if is_incremental() %}{{ ref(this ~ '_' ~ var('suffix')) }}{% endif %}",
            Map.of("suffix", "old"));

    assertThat(analysis.refs()).extracting(Call::name).containsExactly("daily_old");
  }
}
