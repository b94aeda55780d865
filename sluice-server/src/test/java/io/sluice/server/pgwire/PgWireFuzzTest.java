package io.sluice.server.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random bytes as protocol messages, before and after authentication: the server answers only with
 * well-framed messages, every session ends with an ErrorResponse or a close (never a hang or a
 * crash), and the server keeps serving real clients.
 */
class PgWireFuzzTest {
  private static DuckDbBackend backend;
  private static PgWireServer server;

  /** A frontend message: a type byte and a body, framed with a correct or a random length. */
  record Frame(byte type, byte[] body, boolean honestLength, int randomLength) {}

  @BeforeContainer
  static void start() throws Exception {
    backend = new DuckDbBackend();
    backend.setup("CREATE TABLE t AS SELECT * FROM range(5) r(n)");
    server =
        PgWireServer.start(
            PgWireServerTest.settings(8, Duration.ofSeconds(20), 4096, 1000), backend);
  }

  @AfterContainer
  static void stop() throws Exception {
    server.close();
    backend.close();
  }

  @Property(tries = 150)
  void randomBytesBeforeAuthenticationEndTheSessionCleanly(@ForAll("raw") byte[] bytes)
      throws Exception {
    try (RawClient client = new RawClient(server)) {
      client.out.write(bytes);
      client.out.flush();
      client.socket.shutdownOutput();
      drain(client, true);
    }
    assertStillServes();
  }

  @Property(tries = 150)
  void randomMessagesAfterAuthenticationEndTheSessionCleanly(@ForAll("frames") List<Frame> frames)
      throws Exception {
    try (RawClient client = RawClient.authenticated(server, PgWireServerTest.TOKEN)) {
      for (Frame frame : frames) {
        client.out.writeByte(frame.type());
        client.out.writeInt(frame.honestLength() ? frame.body().length + 4 : frame.randomLength());
        client.out.write(frame.body());
      }
      client.out.flush();
      client.socket.shutdownOutput();
      drain(client, false);
    }
    assertStillServes();
  }

  /**
   * Reads the server's answer to the end: well framed, and an error is ERROR or FATAL. Before the
   * startup message, the answer to an SSLRequest is the single unframed byte 'N' (the server sends
   * no notices).
   */
  private static void drain(RawClient client, boolean startup) throws IOException {
    while (true) {
      RawClient.Reply reply;
      try {
        if (startup) {
          client.in.mark(1);
          int first = client.in.read();
          if (first < 0) {
            return;
          }
          if (first == 'N') {
            continue;
          }
          client.in.reset();
        }
        reply = client.read();
      } catch (EOFException e) {
        return;
      } catch (java.net.SocketException e) {
        return; // reset by the server after it closed
      }
      assertThat("EZTDCIn123stSRKv").contains(String.valueOf(reply.type()));
      if (reply.type() == 'E') {
        assertThat(reply.text()).containsAnyOf("SERROR\0", "SFATAL\0");
      }
    }
  }

  private static void assertStillServes() throws Exception {
    try (Connection connection = PgWireServerTest.connect(server, PgWireServerTest.TOKEN);
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT count(*) FROM t")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(5);
    }
  }

  @Provide
  Arbitrary<byte[]> raw() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    // a plausible start (a length and the 3.0 code or an SSLRequest) followed by noise
    Arbitrary<byte[]> plausible =
        Combinators.combine(
                Arbitraries.of(
                    new byte[] {0, 0, 0, 8, 4, (byte) 210, 22, 47},
                    new byte[] {0, 0, 0, 40, 0, 3, 0, 0},
                    new byte[] {0, 0, 0, 16, 4, (byte) 210, 22, 46}),
                random)
            .as(
                (head, tail) -> {
                  byte[] all = new byte[head.length + tail.length];
                  System.arraycopy(head, 0, all, 0, head.length);
                  System.arraycopy(tail, 0, all, head.length, tail.length);
                  return all;
                });
    return Arbitraries.oneOf(random, plausible);
  }

  @Provide
  Arbitrary<List<Frame>> frames() {
    Arbitrary<Byte> types =
        Arbitraries.oneOf(
            Arbitraries.of("QPBDECSHXdcfFp".chars().mapToObj(c -> (byte) c).toList()),
            Arbitraries.bytes());
    Arbitrary<byte[]> bodies =
        Arbitraries.oneOf(
            Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
            Arbitraries.strings()
                .withChars("SELECT*FROMt$1;' \0")
                .ofMaxLength(40)
                .map(s -> (s + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    Arbitrary<Frame> frame =
        Combinators.combine(
                types,
                bodies,
                Arbitraries.of(true, true, true, false),
                Arbitraries.integers().between(-10, 10_000))
            .as(Frame::new);
    return frame.list().ofMaxSize(6);
  }
}
