package io.sluice.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.ModelRequest.Materialization;
import io.sluice.core.project.Location;
import io.sluice.core.project.ModelDef;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelRendererTest {
  private static final Path FILE = Path.of("/shop/models/daily.sql");

  private final ModelRenderer renderer = new ModelRenderer();

  private static ModelDef model(String template) {
    return new ModelDef(
        "daily",
        Location.of(FILE),
        template,
        Materialization.INCREMENTAL,
        List.of(),
        List.of(),
        List.of(),
        "",
        List.of());
  }

  private static RenderContext context(boolean incremental) {
    Map<String, String> models = Map.of("orders_clean", "\"main\".\"orders_clean\"");
    Map<String, String> sources = Map.of("orders", "\"lake\".\"orders\"");
    Map<String, String> changes = Map.of("orders", "\"delta\".\"orders\"");
    return new RenderContext(
        models::get,
        sources::get,
        incremental ? changes::get : sources::get,
        incremental,
        "\"main\".\"daily\"",
        Map.of("currency", "EUR", "limit", 10));
  }

  @Test
  void rendersRefsSourcesThisAndVars() {
    String sql =
        renderer.render(
            model(
                """
                SELECT '{{ var('currency') }}' AS currency, {{ var('missing', 7) }} AS n
                FROM {{ ref('orders_clean') }}
                JOIN {{ source('orders') }} USING (id)
                JOIN {{ source('shop', 'orders') }} USING (id)
                WHERE id NOT IN (SELECT id FROM {{ this }})
                LIMIT {{ var('limit') }}
                """),
            context(false));

    assertThat(sql)
        .isEqualTo(
            """
            SELECT 'EUR' AS currency, 7 AS n
            FROM "main"."orders_clean"
            JOIN "lake"."orders" USING (id)
            JOIN "lake"."orders" USING (id)
            WHERE id NOT IN (SELECT id FROM "main"."daily")
            LIMIT 10
            """);
  }

  @Test
  void rendersConfigAsNothing() {
    String sql =
        renderer.render(
            model("{{ config(materialized='incremental', unique_key=['a', 'b']) }}SELECT 1\n"),
            context(false));

    assertThat(sql).isEqualTo("SELECT 1\n");
  }

  @Test
  void answersIsIncrementalFromTheContext() {
    ModelDef model =
        model(
            "SELECT 1{% if is_incremental() %} WHERE x > (SELECT max(x) FROM {{ this }}){% endif %}");

    assertThat(renderer.render(model, context(false))).isEqualTo("SELECT 1");
    assertThat(renderer.render(model, context(true)))
        .isEqualTo("SELECT 1 WHERE x > (SELECT max(x) FROM \"main\".\"daily\")");
  }

  @Test
  void keepsTheOutputExactlyAsTheTemplateWritesIt() {
    assertThat(renderer.render(model("SELECT 1\n\n"), context(false))).isEqualTo("SELECT 1\n\n");
    assertThat(renderer.render(model("  SELECT 1"), context(false))).isEqualTo("  SELECT 1");
  }

  @Test
  void changesIsTheWholeSourceOnAFullBuildAndOnlyTheNewRowsIncrementally() {
    ModelDef model = model("SELECT * FROM {{ changes('orders') }}");
    assertThat(renderer.render(model, context(false)))
        .isEqualTo("SELECT * FROM \"lake\".\"orders\"");
    assertThat(renderer.render(model, context(true)))
        .isEqualTo("SELECT * FROM \"delta\".\"orders\"");
  }

  @Test
  void leavesTagsInsideValuesAsText() {
    ModelDef model = model("SELECT '{{ var('pattern') }}'");
    RenderContext context =
        new RenderContext(
            name -> name,
            name -> name,
            name -> name,
            false,
            "this",
            Map.of("pattern", "{{ ref('x') }}"));

    assertThat(renderer.render(model, context)).isEqualTo("SELECT '{{ ref('x') }}'");
  }

  @Test
  void failsNamingTheFileAndLineOfAnUnknownRef() {
    ModelDef model = model("SELECT *\nFROM {{ ref('nope') }}\n");

    assertThatThrownBy(() -> renderer.render(model, context(false)))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessage(
            "Cannot render model 'daily': /shop/models/daily.sql:2: ref('nope'): unknown model"
                + " 'nope'");
  }

  @Test
  void failsOnAnUnknownVarWithoutDefault() {
    ModelDef model = model("SELECT {{ var('curency') }}");

    assertThatThrownBy(() -> renderer.render(model, context(false)))
        .isInstanceOf(SluiceException.class)
        .hasMessage(
            "Cannot render model 'daily': /shop/models/daily.sql:1: unknown var 'curency' (did you"
                + " mean 'currency'?); define it under vars in sluice.yaml or give a default:"
                + " var('curency', ...)");
  }

  @Test
  void passesOnTheMessageOfAFailingRelationLookup() {
    RenderContext context =
        new RenderContext(
            name -> {
              throw SluiceException.user("model '%s' has not been built yet", name);
            },
            name -> name,
            name -> name,
            false,
            "this",
            Map.of());

    assertThatThrownBy(() -> renderer.render(model("SELECT * FROM {{ ref('a') }}"), context))
        .isInstanceOf(SluiceException.class)
        .hasMessage(
            "Cannot render model 'daily': /shop/models/daily.sql:1: model 'a' has not been built"
                + " yet");
  }
}
