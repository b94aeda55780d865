package io.sluice.server.pgwire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL uses it: without channel
 * binding, the user name in the SCRAM messages ignored (PostgreSQL sends it in the startup
 * message). The password is used as given (no SASLprep): tokens are ASCII.
 *
 * <p>The salted password is derived once per server; each exchange has its own nonce.
 */
final class Scram {
  static final String MECHANISM = "SCRAM-SHA-256";
  private static final int ITERATIONS = 4096;

  private final SecureRandom random;
  private final byte[] salt;
  private final byte[] storedKey;
  private final byte[] serverKey;

  Scram(String password, SecureRandom random) {
    this.random = random;
    this.salt = new byte[16];
    random.nextBytes(salt);
    try {
      SecretKeyFactory factory = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      byte[] salted =
          factory
              .generateSecret(new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256))
              .getEncoded();
      this.storedKey = sha256(hmac(salted, "Client Key"));
      this.serverKey = hmac(salted, "Server Key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SCRAM-SHA-256 is not available in this JVM", e);
    }
  }

  /** One authentication exchange. */
  final class Exchange {
    private String clientFirstBare;
    private String gs2Header;
    private String serverFirst;
    private String nonce;

    /** Answers the client-first message with the server-first message. */
    String serverFirst(String clientFirst) {
      int firstComma = clientFirst.indexOf(',');
      int secondComma = firstComma < 0 ? -1 : clientFirst.indexOf(',', firstComma + 1);
      if (secondComma < 0) {
        throw PgError.protocol("Malformed SCRAM client-first message");
      }
      char flag = clientFirst.charAt(0);
      if (flag == 'p') {
        throw PgError.fatal(
            SqlStates.PROTOCOL_VIOLATION,
            "SCRAM channel binding is not supported (the endpoint does not use TLS)");
      }
      if (flag != 'n' && flag != 'y') {
        throw PgError.protocol("Malformed SCRAM client-first message");
      }
      gs2Header = clientFirst.substring(0, secondComma + 1);
      clientFirstBare = clientFirst.substring(secondComma + 1);
      String clientNonce = attribute(clientFirstBare, 'r');
      byte[] serverNonce = new byte[18];
      random.nextBytes(serverNonce);
      nonce = clientNonce + Base64.getEncoder().encodeToString(serverNonce);
      serverFirst =
          "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + ITERATIONS;
      return serverFirst;
    }

    /**
     * Checks the client-final message's proof.
     *
     * @return the server-final message, when the proof is right
     * @throws PgError 28P01 when it is not
     */
    String serverFinal(String clientFinal, String user) {
      int proofAt = clientFinal.lastIndexOf(",p=");
      if (serverFirst == null || proofAt < 0) {
        throw PgError.protocol("Malformed SCRAM client-final message");
      }
      String withoutProof = clientFinal.substring(0, proofAt);
      String binding = attribute(withoutProof, 'c');
      String expected =
          Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
      if (!binding.equals(expected) || !attribute(withoutProof, 'r').equals(nonce)) {
        throw PgError.protocol("SCRAM client-final message does not match the exchange");
      }
      byte[] proof;
      try {
        proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
      } catch (IllegalArgumentException e) {
        throw PgError.protocol("Malformed SCRAM client proof");
      }
      String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
      byte[] clientSignature = hmac(storedKey, authMessage);
      if (proof.length != clientSignature.length) {
        throw passwordFailed(user);
      }
      byte[] clientKey = new byte[proof.length];
      for (int i = 0; i < proof.length; i++) {
        clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
      }
      if (!MessageDigest.isEqual(sha256(clientKey), storedKey)) {
        throw passwordFailed(user);
      }
      return "v=" + Base64.getEncoder().encodeToString(hmac(serverKey, authMessage));
    }
  }

  static PgError passwordFailed(String user) {
    return PgError.fatal(
        SqlStates.INVALID_PASSWORD,
        "password authentication failed for user \"%s\" (the password is the serve query token)",
        user);
  }

  private static String attribute(String message, char name) {
    for (String part : message.split(",")) {
      if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
        return part.substring(2);
      }
    }
    throw PgError.protocol("SCRAM message without its '%s' attribute", name);
  }

  private static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
