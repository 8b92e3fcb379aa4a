package dev.envelope.aws;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A {@code moto_server} (moto 5, a DynamoDB-compatible server) on 127.0.0.1 and a free port,
 * started and stopped by the tests, and real {@link DynamoDbClient}s that reach it over HTTP.
 * Fails, never skips, when moto is not installed: CI has it.
 *
 * <p>The server runs through {@code moto_serialized.py}, which hands moto one request at a time.
 * moto's {@code TransactWriteItems} is not isolated: it snapshots the tables without a lock and
 * restores that snapshot when a condition fails, so under concurrent requests a failed transaction
 * can resurrect another's partial writes or erase its committed ones (measured: 28 of 60 runs of
 * {@code concurrentRotationsNeverOverwriteEachOther} under load). DynamoDB serializes transactions;
 * so does this server, and the concurrency tests then check the store's conditions, not moto's
 * races.
 */
final class MotoServer implements AutoCloseable {
  private final Process process;
  private final URI endpoint;
  private final Path log;

  private MotoServer(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
  }

  static MotoServer start() {
    String binary = find("moto_server");
    try {
      int port = freePort();
      Path log = Files.createTempFile("moto-", ".log");
      Path launcher = Files.createTempFile("moto_serialized-", ".py");
      try (InputStream in = MotoServer.class.getResourceAsStream("moto_serialized.py")) {
        Files.copy(in, launcher, StandardCopyOption.REPLACE_EXISTING);
      }
      launcher.toFile().deleteOnExit();
      Process p =
          new ProcessBuilder(
                  python(Path.of(binary)),
                  launcher.toString(),
                  "-H",
                  "127.0.0.1",
                  "-p",
                  Integer.toString(port))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      MotoServer server = new MotoServer(p, URI.create("http://127.0.0.1:" + port), log);
      server.awaitListening(port, Duration.ofSeconds(60));
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("could not start " + binary + ": " + e.getMessage(), e);
    }
  }

  /**
   * The executable on PATH, else where pip and pyenv put it (a CI shell may not have set PATH up),
   * or a failure that says how to install it.
   */
  static String find(String name) {
    List<String> dirs =
        new java.util.ArrayList<>(
            List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    String home = System.getProperty("user.home");
    dirs.addAll(List.of(home + "/.pyenv/shims", home + "/.local/bin", "/usr/local/bin"));
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new IllegalStateException(
        name + " is not on PATH; these tests need moto 5 (pip install 'moto[server]')");
  }

  /**
   * The Python that runs {@code moto_server}: its shebang's interpreter, or, for a wrapper script
   * such as a pyenv shim, the {@code python3} next to it, else {@code python3} on PATH.
   */
  static String python(Path motoServer) throws IOException {
    String first;
    try (BufferedReader r = Files.newBufferedReader(motoServer, StandardCharsets.ISO_8859_1)) {
      first = r.readLine();
    }
    if (first != null && first.startsWith("#!") && first.contains("python")) {
      String[] words = first.substring(2).trim().split("\\s+");
      String interpreter = words[0].endsWith("/env") && words.length > 1 ? words[1] : words[0];
      return interpreter;
    }
    Path sibling = motoServer.resolveSibling("python3");
    return Files.isExecutable(sibling) ? sibling.toString() : "python3";
  }

  private void awaitListening(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "moto_server exited with " + process.exitValue() + ": " + logText());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        sleep(100);
      }
    }
    close();
    throw new IllegalStateException(
        "moto_server did not listen on port " + port + " within " + timeout + ": " + logText());
  }

  URI endpoint() {
    return endpoint;
  }

  DynamoDbClient client() {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .build();
  }

  private String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      // a temp file
    }
  }
}
