package dev.envelope.aws;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster on 127.0.0.1 and a free port: {@code initdb} into a temporary
 * directory, {@code pg_ctl start}, and on close {@code pg_ctl stop} and the directory removed.
 * PostgreSQL refuses to run as root, so as root (CI) it runs as the {@code postgres} user (or
 * {@code nobody}) through {@code runuser}. Fails, never skips, when the server binaries are
 * missing: CI has Debian's postgresql-15.
 */
final class PostgresServer implements AutoCloseable {
  static final String USER = "envelope";

  private final Path binDir;
  private final Path dir;
  private final String runAs;
  private final int port;

  private PostgresServer(Path binDir, Path dir, String runAs, int port) {
    this.binDir = binDir;
    this.dir = dir;
    this.runAs = runAs;
    this.port = port;
  }

  static PostgresServer start() {
    Path bin = binDir();
    try {
      String runAs = isRoot() ? (userExists("postgres") ? "postgres" : "nobody") : null;
      Path dir = Files.createTempDirectory("envelope-pg-");
      if (runAs != null) {
        exec(List.of("chown", runAs, dir.toString()), null, 30);
      }
      int port = MotoServer.freePort();
      PostgresServer server = new PostgresServer(bin, dir, runAs, port);
      try {
        server.init();
      } catch (IOException | RuntimeException e) {
        server.close();
        throw e;
      }
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("could not start PostgreSQL: " + e.getMessage(), e);
    }
  }

  /** initdb with trust authentication for {@link #USER}, then start listening on 127.0.0.1 only. */
  private void init() throws IOException {
    run(
        List.of(
            binDir.resolve("initdb").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-U",
            USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync"),
        120);
    run(
        List.of(
            binDir.resolve("pg_ctl").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-w",
            "-t",
            "60",
            "-l",
            dir.resolve("server.log").toString(),
            "-o",
            "-h 127.0.0.1 -p " + port + " -k " + dir + " -F",
            "start"),
        90);
  }

  /** Debian's layout (/usr/lib/postgresql/N/bin), newest first, else pg_config --bindir. */
  private static Path binDir() {
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        List<Path> found =
            versions
                .map(v -> v.resolve("bin"))
                .filter(
                    b ->
                        Files.isExecutable(b.resolve("initdb"))
                            && Files.isExecutable(b.resolve("pg_ctl")))
                .sorted(Comparator.reverseOrder())
                .toList();
        if (!found.isEmpty()) {
          return found.get(0);
        }
      } catch (IOException e) {
        // fall through
      }
    }
    try {
      String out = exec(List.of("pg_config", "--bindir"), null, 30).trim();
      if (Files.isExecutable(Path.of(out, "initdb"))) {
        return Path.of(out);
      }
    } catch (RuntimeException | IOException e) {
      // reported below
    }
    throw new IllegalStateException(
        "PostgreSQL server binaries (initdb, pg_ctl) not found; these tests need"
            + " them (Debian: apt-get install postgresql-15)");
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?connectTimeout=5";
  }

  Properties properties() {
    Properties p = new Properties();
    p.setProperty("user", USER);
    return p;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), properties());
  }

  private void run(List<String> command, int timeoutSeconds) throws IOException {
    List<String> full = new ArrayList<>();
    if (runAs != null) {
      full.addAll(List.of("runuser", "-u", runAs, "--"));
    }
    full.addAll(command);
    exec(full, dir, timeoutSeconds);
  }

  private static String exec(List<String> command, Path workDir, int timeoutSeconds)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    Process p = pb.start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            command + " did not finish within " + timeoutSeconds + " s");
      }
      String text = new String(out, java.nio.charset.StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(command + " failed with " + p.exitValue() + ": " + text);
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException(e);
    }
  }

  private static boolean isRoot() {
    try {
      return "0".equals(exec(List.of("id", "-u"), null, 10).trim());
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean userExists(String user) {
    try {
      exec(List.of("id", "-u", user), null, 10);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      run(
          List.of(
              binDir.resolve("pg_ctl").toString(),
              "-D",
              dir.resolve("data").toString(),
              "-m",
              "immediate",
              "-w",
              "stop"),
          60);
    } catch (IOException | RuntimeException e) {
      // still remove the directory
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temp directory
    }
  }
}
