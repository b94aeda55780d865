package io.sluice.core.run;

import io.sluice.api.Plugins;
import io.sluice.api.engine.Engine;
import io.sluice.api.engine.EngineContext;
import io.sluice.api.engine.EngineFactory;
import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeContext;
import io.sluice.api.lake.LakeFactory;
import io.sluice.api.source.ConnectorFactory;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.rules.RuleCompiler;
import java.time.Clock;
import java.util.List;

/**
 * A project with its engine and lake open. Plugins are found with {@link java.util.ServiceLoader};
 * the core never names an implementation.
 */
public final class ProjectRuntime implements AutoCloseable {
  private final Project project;
  private final Engine engine;
  private final Lake lake;

  private ProjectRuntime(Project project, Engine engine, Lake lake) {
    this.project = project;
    this.engine = engine;
    this.lake = lake;
  }

  /**
   * Opens the project's engine and lake.
   *
   * @param readOnly open the warehouse for queries only
   */
  public static ProjectRuntime open(Project project, boolean readOnly) {
    Lake lake =
        Plugins.find(LakeFactory.class, LakeFactory::name, project.lake().type())
            .create(new LakeContext(project.stateDirectory(), project.lake().options()));
    try {
      Engine engine =
          Plugins.find(EngineFactory.class, EngineFactory::name, project.engine())
              .create(
                  new EngineContext(
                      project.stateDirectory(),
                      project.warehouse(),
                      project.engineOptions(),
                      readOnly));
      return new ProjectRuntime(project, engine, lake);
    } catch (RuntimeException e) {
      lake.close();
      throw e;
    }
  }

  public Project project() {
    return project;
  }

  public Engine engine() {
    return engine;
  }

  public Lake lake() {
    return lake;
  }

  public StateStore state() {
    return new StateStore(project.stateDirectory());
  }

  /** Creates the connector of a source, with the fields its mapping reads. */
  public SourceConnector connector(SourceDef source) {
    return connector(source, new RuleCompiler(engine.dialect()).compile(source).fields());
  }

  /** Creates the connector of a source that reads {@code fields}. */
  public SourceConnector connector(SourceDef source, List<SourceField> fields) {
    return Plugins.find(ConnectorFactory.class, ConnectorFactory::name, source.connector())
        .create(new SourceContext(source.name(), project.directory(), source.options(), fields));
  }

  /** Runs one incremental pass. */
  public RunSummary run(Clock clock, RunListener listener) {
    return new PipelineRunner(project, engine, lake, this::connector, clock, listener).run();
  }

  @Override
  public void close() {
    try {
      engine.close();
    } finally {
      lake.close();
    }
  }
}
