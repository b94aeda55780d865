package io.sluice.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a secret (a token, a password) that a configuration names by reference: an environment
 * variable ({@code <key>-env}) or a file ({@code <key>-file}). Secrets are never written inline in
 * configuration files, and never appear in messages.
 */
public final class Secrets {
  private Secrets() {}

  /**
   * The secret, trimmed.
   *
   * @param owner what it is for, to start messages, e.g. {@code Source 'events'}
   * @param key the keys' name without {@code -env}/{@code -file}, e.g. {@code stream.token}
   * @param where where the keys are declared, e.g. a file's path
   * @param purpose what the secret is, e.g. {@code the bearer token that pushes to the stream
   *     carry}
   * @param variable the environment variable, when the configuration names one
   * @param file the file otherwise
   * @param environment the process environment
   * @throws SluiceException (USER) when the variable is unset or blank, or the file is missing,
   *     unreadable or empty
   */
  public static String read(
      String owner,
      String key,
      String where,
      String purpose,
      Optional<String> variable,
      Optional<Path> file,
      Map<String, String> environment) {
    if (variable.isPresent()) {
      String value = environment.get(variable.get());
      if (value == null || value.isBlank()) {
        throw SluiceException.user(
            "%s: the environment variable %s (%s-env, %s) is not set; it must hold %s",
            owner, variable.get(), key, where, purpose);
      }
      return value.trim();
    }
    Path path =
        file.orElseThrow(
            () -> new IllegalArgumentException("neither a variable nor a file for " + key));
    try {
      String value = Files.readString(path, StandardCharsets.UTF_8).trim();
      if (value.isEmpty()) {
        throw SluiceException.user("%s: the file %s (%s-file) is empty", owner, path, key);
      }
      return value;
    } catch (NoSuchFileException e) {
      throw SluiceException.user(
          "%s: the file %s (%s-file, %s) does not exist", owner, path, key, where);
    } catch (IOException e) {
      throw SluiceException.user("%s: cannot read the file %s: %s", owner, path, e.getMessage());
    }
  }
}
