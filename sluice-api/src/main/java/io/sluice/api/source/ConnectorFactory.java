package io.sluice.api.source;

/** Creates {@link SourceConnector}s; found with {@link java.util.ServiceLoader}. */
public interface ConnectorFactory {
  /** The name used in a source file ({@code connector: files}). */
  String name();

  /**
   * Creates a connector for one source.
   *
   * @throws io.sluice.api.SluiceException (USER) for invalid options, naming the option
   */
  SourceConnector create(SourceContext context);
}
