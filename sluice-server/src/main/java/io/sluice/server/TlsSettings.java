package io.sluice.server;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * HTTPS for the server: its certificate and key in a key store.
 *
 * @param keyStore a PKCS12 (or JKS) key store holding the server's certificate chain and key
 * @param password the key store's password (also the key's)
 */
public record TlsSettings(Path keyStore, String password) {
  public TlsSettings {
    requireNonNull(keyStore, "keyStore is null");
    requireNonNull(password, "password is null");
  }

  @Override
  public String toString() {
    return "TlsSettings[keyStore=" + keyStore + ", password=***]"; // never the password
  }
}
