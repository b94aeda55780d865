package io.sluice.server.pgwire;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** A bare protocol client for tests that must send what no driver sends. */
final class RawClient implements AutoCloseable {
  /** One backend message. */
  record Reply(char type, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  final Socket socket;
  final DataInputStream in;
  final DataOutputStream out;

  RawClient(PgWireServer server) throws IOException {
    socket = new Socket("127.0.0.1", server.address().getPort());
    socket.setSoTimeout(20_000);
    in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
  }

  /** Sends a startup message for user {@code analyst}. */
  void startup() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream data = new DataOutputStream(body);
    data.writeInt(196608);
    for (String s : new String[] {"user", "analyst", "database", "warehouse", ""}) {
      data.write(s.getBytes(StandardCharsets.UTF_8));
      data.write(0);
    }
    out.writeInt(body.size() + 4);
    body.writeTo(out);
    out.flush();
  }

  /** Connects and authenticates with SCRAM-SHA-256, up to the first ReadyForQuery. */
  static RawClient authenticated(PgWireServer server, String password) throws Exception {
    RawClient client = new RawClient(server);
    client.startup();
    Reply sasl = client.read();
    expect(sasl, 'R');
    String nonce = "rawclientnonce" + System.nanoTime();
    String clientFirstBare = "n=,r=" + nonce;
    byte[] clientFirst = ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    byte[] mechanism = "SCRAM-SHA-256\0".getBytes(StandardCharsets.UTF_8);
    client.out.writeByte('p');
    client.out.writeInt(4 + mechanism.length + 4 + clientFirst.length);
    client.out.write(mechanism);
    client.out.writeInt(clientFirst.length);
    client.out.write(clientFirst);
    client.out.flush();
    Reply serverFirstReply = client.read();
    expect(serverFirstReply, 'R');
    String serverFirst =
        new String(
            serverFirstReply.body(), 4, serverFirstReply.body().length - 4, StandardCharsets.UTF_8);
    String serverNonce = null;
    byte[] salt = null;
    int iterations = 0;
    for (String part : serverFirst.split(",")) {
      switch (part.charAt(0)) {
        case 'r' -> serverNonce = part.substring(2);
        case 's' -> salt = Base64.getDecoder().decode(part.substring(2));
        case 'i' -> iterations = Integer.parseInt(part.substring(2));
        default -> {}
      }
    }
    String withoutProof = "c=biws,r=" + serverNonce;
    byte[] salted =
        SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
            .getEncoded();
    byte[] clientKey = hmac(salted, "Client Key");
    byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
    byte[] signature = hmac(storedKey, clientFirstBare + "," + serverFirst + "," + withoutProof);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ signature[i]);
    }
    byte[] clientFinal =
        (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof))
            .getBytes(StandardCharsets.UTF_8);
    client.out.writeByte('p');
    client.out.writeInt(4 + clientFinal.length);
    client.out.write(clientFinal);
    client.out.flush();
    while (true) {
      Reply reply = client.read();
      if (reply.type() == 'E') {
        throw new IllegalStateException("authentication failed: " + reply.text());
      }
      if (reply.type() == 'Z') {
        return client;
      }
    }
  }

  private static void expect(Reply reply, char type) {
    if (reply.type() != type) {
      throw new IllegalStateException(
          "expected message '" + type + "', got '" + reply.type() + "': " + reply.text());
    }
  }

  private static byte[] hmac(byte[] key, String message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
  }

  /** The next backend message; fails on a malformed frame. */
  Reply read() throws IOException {
    char type = (char) in.readUnsignedByte();
    int length = in.readInt();
    if (length < 4 || length > (64 << 20)) {
      throw new IllegalStateException("malformed frame length " + length + " of '" + type + "'");
    }
    byte[] body = new byte[length - 4];
    in.readFully(body);
    return new Reply(type, body);
  }

  /** Whether the server has closed the connection (no more bytes). */
  boolean atEnd() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (EOFException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
