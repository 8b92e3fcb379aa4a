package dev.envelope.aws;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP server on 127.0.0.1 that accepts every connection and never sends a byte: a database or
 * endpoint that hangs. {@link #close()} hangs up on every connection.
 */
final class SilentServer implements AutoCloseable {
  private final ServerSocket socket;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();

  private SilentServer(ServerSocket socket) {
    this.socket = socket;
  }

  static SilentServer start() throws IOException {
    SilentServer server =
        new SilentServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  server.accepted.add(server.socket.accept()); // kept open, never answered
                }
              } catch (IOException closed) {
                // closed by close()
              }
            },
            "silent-server");
    acceptor.setDaemon(true);
    acceptor.start();
    return server;
  }

  int port() {
    return socket.getLocalPort();
  }

  /** The connections accepted so far. */
  List<Socket> accepted() {
    return accepted;
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : accepted) {
      s.close();
    }
  }
}
