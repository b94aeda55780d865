package io.sluice.core.model;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import io.sluice.core.config.ModelSpec;
import io.sluice.core.project.Location;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.SingularTest;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders a model's template into the SQL of a run. {@code config(...)} renders as nothing; the
 * rest of the output is exactly what the template produces. Thread-safe.
 */
public final class ModelRenderer {
  /**
   * Renders {@code model} for a run.
   *
   * @throws SluiceException (USER) naming the model's file and line when the template fails, e.g.
   *     on a model or source that {@code context} does not know
   */
  public String render(ModelDef model, RenderContext context) {
    requireNonNull(model, "model is null");
    requireNonNull(context, "context is null");
    return render("model", model.name(), model.location(), model.template(), context);
  }

  /**
   * Renders a singular test ({@code tests/NAME.sql}) into its query; its {@code config()} renders
   * as nothing.
   *
   * @throws SluiceException (USER) naming the test's file and line when the template fails
   */
  public String render(SingularTest test, RenderContext context) {
    requireNonNull(test, "test is null");
    requireNonNull(context, "context is null");
    return render("test", test.name(), test.location(), test.template(), context);
  }

  private static String render(
      String what, String name, Location location, String template, RenderContext context) {
    Jinja.Outcome outcome = Jinja.render(template, new Resolver(context), context.thisRelation());
    if (!outcome.problems().isEmpty()) {
      String file = location.file().toString();
      throw SluiceException.user(
          "%s",
          "Cannot render "
              + what
              + " '"
              + name
              + "': "
              + outcome.problems().stream()
                  .map(p -> (p.line() > 0 ? file + ":" + p.line() : file) + ": " + p.message())
                  .collect(Collectors.joining("; ")));
    }
    return outcome.output();
  }

  /** Answers the template functions from a run's context. */
  private record Resolver(RenderContext context) implements TemplateHooks {
    @Override
    public String ref(List<Object> arguments) {
      String name = Jinja.modelName(arguments);
      return relation(context.refRelation().apply(name), ModelSpec.REF.name(), "model", name);
    }

    @Override
    public String source(List<Object> arguments) {
      String name = Jinja.sourceName(arguments);
      return relation(
          context.sourceRelation().apply(name), ModelSpec.SOURCE.name(), "source", name);
    }

    @Override
    public String changes(List<Object> arguments) {
      String name = Jinja.changesName(arguments);
      return relation(
          context.changesRelation().apply(name), ModelSpec.CHANGES.name(), "source", name);
    }

    @Override
    public String config(List<Object> arguments) {
      return "";
    }

    @Override
    public boolean isIncremental() {
      return context.incremental();
    }

    @Override
    public Object var(List<Object> arguments) {
      return Jinja.var(arguments, context.vars());
    }

    private static String relation(String relation, String function, String what, String name) {
      if (relation == null) {
        throw new TemplateCallException(
            function + "('" + name + "'): unknown " + what + " '" + name + "'");
      }
      return relation;
    }
  }
}
