package io.sluice.api;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Function;

/** Finds plugin factories with {@link ServiceLoader} and fails loudly when one is missing. */
public final class Plugins {
  private Plugins() {}

  /**
   * Returns the factory of type {@code type} whose name is {@code name}.
   *
   * @throws SluiceException (USER) naming what was looked for and what is available
   */
  public static <F> F find(Class<F> type, Function<F, String> nameOf, String name) {
    List<String> available = new ArrayList<>();
    for (F factory : ServiceLoader.load(type, Plugins.class.getClassLoader())) {
      String candidate = nameOf.apply(factory);
      if (candidate.equals(name)) {
        return factory;
      }
      available.add(candidate);
    }
    throw SluiceException.user(
        "No %s named '%s' is installed (found: %s)",
        type.getSimpleName(), name, available.isEmpty() ? "none" : String.join(", ", available));
  }
}
