package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import io.sluice.config.ConfigValues;
import io.sluice.core.config.LineageSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a project's OpenLineage events go: the {@code lineage} section of {@code sluice.yaml}.
 *
 * @param transport none, file or http
 * @param file for {@link Transport#FILE}: the file events are appended to, one per line
 * @param url for {@link Transport#HTTP}: the endpoint events are POSTed to
 * @param timeout for {@link Transport#HTTP}: the longest one POST may take
 * @param apiKeyEnv for {@link Transport#HTTP}: the environment variable holding a bearer token
 * @param namespace the OpenLineage namespace of the project's jobs
 */
public record LineageConfig(
    Transport transport,
    Optional<Path> file,
    Optional<URI> url,
    Duration timeout,
    Optional<String> apiKeyEnv,
    String namespace) {
  public LineageConfig {
    requireNonNull(transport, "transport is null");
    requireNonNull(file, "file is null");
    requireNonNull(url, "url is null");
    requireNonNull(timeout, "timeout is null");
    requireNonNull(apiKeyEnv, "apiKeyEnv is null");
    requireNonNull(namespace, "namespace is null");
  }

  /** Where the events go. */
  public enum Transport {
    NONE,
    FILE,
    HTTP
  }

  /** No lineage: what a project without a {@code lineage} section gets. */
  public static LineageConfig none(String namespace) {
    return new LineageConfig(
        Transport.NONE,
        Optional.empty(),
        Optional.empty(),
        Duration.ofSeconds(5),
        Optional.empty(),
        namespace);
  }

  /**
   * Reads the {@code lineage} section, reporting what spans several keys: a url for http, keys of
   * one transport set for another.
   */
  static LineageConfig read(
      Path root,
      Path stateDirectory,
      String projectName,
      Path projectFile,
      ConfigValues values,
      Problems problems) {
    Transport transport =
        Transport.valueOf(values.get(LineageSpec.TRANSPORT).toUpperCase(java.util.Locale.ROOT));
    if (transport != Transport.FILE && values.isSet(LineageSpec.PATH)) {
      problems.add(
          Problems.at(projectFile, values.keyNodeOf(LineageSpec.PATH)),
          "lineage: path is for transport: file (the transport is "
              + values.get(LineageSpec.TRANSPORT)
              + ")");
    }
    if (transport != Transport.HTTP) {
      for (var key :
          java.util.List.of(LineageSpec.URL, LineageSpec.TIMEOUT, LineageSpec.API_KEY_ENV)) {
        if (values.isSet(key)) {
          problems.add(
              Problems.at(projectFile, values.keyNodeOf(key)),
              "lineage: "
                  + key.name()
                  + " is for transport: http (the transport is "
                  + values.get(LineageSpec.TRANSPORT)
                  + ")");
        }
      }
    }
    Optional<URI> url = Optional.empty();
    if (transport == Transport.HTTP) {
      if (!values.isSet(LineageSpec.URL)) {
        problems.add(
            Problems.at(projectFile, values.anchor()),
            "lineage: transport http needs a url (e.g. http://localhost:5000/api/v1/lineage)");
      } else {
        String text = values.get(LineageSpec.URL);
        try {
          URI uri = new URI(text);
          if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
              || uri.getHost() == null) {
            throw new URISyntaxException(text, "not an http or https URL with a host");
          }
          url = Optional.of(uri);
        } catch (URISyntaxException e) {
          problems.add(
              Problems.at(projectFile, values.nodeOf(LineageSpec.URL)),
              "lineage: url '" + text + "' is not an http(s) URL: " + e.getReason());
        }
      }
    }
    Optional<Path> file =
        transport == Transport.FILE
            ? Optional.of(
                values
                    .find(LineageSpec.PATH)
                    .map(p -> root.resolve(p).normalize())
                    .orElse(stateDirectory.resolve("lineage.jsonl")))
            : Optional.empty();
    return new LineageConfig(
        transport,
        file,
        url,
        values.get(LineageSpec.TIMEOUT),
        values.find(LineageSpec.API_KEY_ENV),
        values.find(LineageSpec.NAMESPACE).orElse(projectName));
  }
}
