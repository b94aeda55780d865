package io.sluice.core.project;

import io.sluice.api.SluiceException;
import io.sluice.api.source.ConnectorFactory;
import io.sluice.config.ConfigDef;
import io.sluice.config.DidYouMean;
import io.sluice.core.config.SourceSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The installed connectors, found with {@link ServiceLoader}. The core knows connectors only
 * through here: by the name a source file gives, by their declared options and capabilities.
 */
public final class Connectors {
  private static volatile Connectors installed;

  private final Map<String, ConnectorFactory> byName;
  private final Optional<ConnectorFactory> defaultFactory;
  private final Map<String, ConfigDef> sourceDefs = new ConcurrentHashMap<>();

  private Connectors(List<ConnectorFactory> factories) {
    Map<String, ConnectorFactory> names = new TreeMap<>();
    List<String> defaults = new ArrayList<>();
    for (ConnectorFactory factory : factories) {
      ConnectorFactory other = names.putIfAbsent(factory.name(), factory);
      if (other != null && other.getClass() != factory.getClass()) {
        throw SluiceException.internal(
            String.format(
                "Two installed connectors are named '%s': %s and %s",
                factory.name(), other.getClass().getName(), factory.getClass().getName()),
            null);
      }
      if (factory.isDefault() && other == null) {
        defaults.add(factory.name());
      }
    }
    if (defaults.size() > 1) {
      throw SluiceException.internal(
          "More than one installed connector says it is the default: " + defaults, null);
    }
    this.byName = Collections.unmodifiableMap(names);
    this.defaultFactory = defaults.stream().findFirst().map(names::get);
  }

  /** The connectors on Sluice's class path (loaded once). */
  public static Connectors installed() {
    Connectors result = installed;
    if (result == null) {
      List<ConnectorFactory> factories = new ArrayList<>();
      ServiceLoader.load(ConnectorFactory.class, Connectors.class.getClassLoader())
          .forEach(factories::add);
      result = new Connectors(factories);
      installed = result;
    }
    return result;
  }

  /** These connectors, for tests. */
  public static Connectors of(List<ConnectorFactory> factories) {
    return new Connectors(factories);
  }

  /** The names of the installed connectors, sorted. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** Every installed connector, by name. */
  public List<ConnectorFactory> factories() {
    return List.copyOf(byName.values());
  }

  public Optional<ConnectorFactory> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The connector of a source file that names none, if one is installed that says so. */
  public Optional<ConnectorFactory> defaultConnector() {
    return defaultFactory;
  }

  /**
   * The connector named {@code name}.
   *
   * @throws SluiceException (USER) naming the installed connectors, with a did-you-mean
   */
  public ConnectorFactory get(String name) {
    return find(name).orElseThrow(() -> SluiceException.user("%s", unknown(name)));
  }

  /** A sentence saying that no connector {@code name} is installed, and which are. */
  public String unknown(String name) {
    return "unknown connector '"
        + name
        + "'"
        + DidYouMean.hint(name, byName.keySet())
        + "; installed: "
        + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet()));
  }

  /**
   * What the connector of {@code source} can do; nothing when it is not installed (a project is
   * loaded only with installed connectors, so only for a project loaded with other ones).
   */
  public Optional<io.sluice.api.source.ConnectorCapabilities> capabilities(SourceDef source) {
    return find(source.connector()).map(ConnectorFactory::capabilities);
  }

  /** The keys of a source file read by {@code factory}: the common ones and its own. */
  public ConfigDef sourceDef(ConnectorFactory factory) {
    return sourceDefs.computeIfAbsent(
        factory.name(), name -> SourceSpec.sourceDef(name, factory.options()));
  }

  /**
   * The installed connectors other than {@code except} that declare an option named {@code key}.
   */
  public List<String> owners(String key, String except) {
    List<String> owners = new ArrayList<>();
    byName.forEach(
        (name, factory) -> {
          if (!name.equals(except) && factory.options().key(key).isPresent()) {
            owners.add(name);
          }
        });
    return owners;
  }
}
