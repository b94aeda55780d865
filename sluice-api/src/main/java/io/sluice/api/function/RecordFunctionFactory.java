package io.sluice.api.function;

/**
 * Creates {@link RecordFunction}s; found with {@link java.util.ServiceLoader} (register the class
 * in {@code META-INF/services/io.sluice.api.function.RecordFunctionFactory} of the function's jar).
 */
public interface RecordFunctionFactory {
  /** The name a source uses to refer to the function ({@code function: mask}). */
  String name();

  /**
   * Creates a function for one source.
   *
   * @throws io.sluice.api.SluiceException (USER) for invalid options, naming the option
   */
  RecordFunction create(FunctionContext context);
}
