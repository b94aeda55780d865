package io.sluice.core.function;

import io.sluice.api.SluiceException;
import io.sluice.api.function.FunctionContext;
import io.sluice.api.function.RecordFunction;
import io.sluice.api.function.RecordFunctionFactory;
import io.sluice.config.DidYouMean;
import io.sluice.core.project.FunctionDef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The record functions a project can use: the built-in ones and those in the jars of its {@code
 * functions/} folder (each jar registers its {@link RecordFunctionFactory}s in {@code
 * META-INF/services}). Closing it closes the jars' class loader.
 */
public final class FunctionCatalog implements AutoCloseable {
  /** The folder of a project that holds function jars. */
  public static final String FOLDER = "functions";

  private final URLClassLoader loader;
  private final Map<String, RecordFunctionFactory> factories;

  private FunctionCatalog(URLClassLoader loader, Map<String, RecordFunctionFactory> factories) {
    this.loader = loader;
    this.factories = factories;
  }

  /**
   * Finds the functions of a project.
   *
   * @throws SluiceException (USER) when a jar cannot be loaded or two functions share a name
   */
  public static FunctionCatalog load(Path projectDirectory) {
    List<Path> jars = jars(projectDirectory.resolve(FOLDER));
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalStateException("a file path is always a URL", e);
      }
    }
    URLClassLoader loader =
        new URLClassLoader("sluice-functions", urls, FunctionCatalog.class.getClassLoader());
    Map<String, RecordFunctionFactory> factories = new TreeMap<>();
    Map<String, String> origins = new TreeMap<>();
    try {
      for (RecordFunctionFactory factory :
          ServiceLoader.load(RecordFunctionFactory.class, loader)) {
        String origin = origin(factory.getClass());
        String earlier = origins.putIfAbsent(factory.name(), origin);
        if (earlier != null) {
          throw SluiceException.user(
              "Two record functions are named '%s': %s and %s; rename one",
              factory.name(), earlier, origin);
        }
        factories.put(factory.name(), factory);
      }
    } catch (ServiceConfigurationError | LinkageError e) {
      closeQuietly(loader, e);
      throw new SluiceException(
          io.sluice.api.ErrorCategory.USER,
          "Cannot load the record functions in " + projectDirectory.resolve(FOLDER) + ": " + e,
          e);
    } catch (RuntimeException e) {
      closeQuietly(loader, e);
      throw e;
    }
    return new FunctionCatalog(loader, factories);
  }

  /** The names of the available functions, sorted. */
  public List<String> names() {
    return List.copyOf(factories.keySet());
  }

  /**
   * Creates the functions of one source, in order.
   *
   * @throws SluiceException (USER) for an unknown function name or invalid options
   */
  public FunctionChain chain(String sourceName, List<FunctionDef> definitions) {
    List<FunctionChain.Named> functions = new ArrayList<>();
    try {
      for (FunctionDef definition : definitions) {
        RecordFunctionFactory factory = factories.get(definition.name());
        if (factory == null) {
          throw SluiceException.user(
              "%s: source '%s' uses the record function '%s', which does not exist%s; available:"
                  + " %s (put a function's jar in %s/)",
              definition.location(),
              sourceName,
              definition.name(),
              DidYouMean.hint(definition.name(), factories.keySet()),
              String.join(", ", factories.keySet()),
              FOLDER);
        }
        RecordFunction function =
            factory.create(
                new FunctionContext(sourceName, definition.name(), definition.options()));
        if (function == null) {
          throw SluiceException.user(
              "Record function '%s' (%s) created nothing for source '%s'",
              definition.name(), origin(factory.getClass()), sourceName);
        }
        functions.add(new FunctionChain.Named(definition.name(), function));
      }
    } catch (RuntimeException e) {
      new FunctionChain(functions).close();
      throw e;
    }
    return new FunctionChain(functions);
  }

  @Override
  public void close() {
    try {
      loader.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close the record function jars", e);
    }
  }

  private static List<Path> jars(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw SluiceException.external("Cannot list the record function jars in " + folder, e);
    }
  }

  private static String origin(Class<?> type) {
    var source = type.getProtectionDomain().getCodeSource();
    String where =
        source == null
            ? "built in"
            : Path.of(source.getLocation().getPath()).getFileName().toString();
    return type.getName() + " (" + where + ")";
  }

  private static void closeQuietly(URLClassLoader loader, Throwable failure) {
    try {
      loader.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
