package dev.envelope.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code envelope} CLI in a separate JVM with this test's class path, as a user would run
 * the jar: the exit status and both output streams are what is asserted on.
 */
public final class ChildJvm {
  public static final String MAIN = "dev.envelope.samples.cli.EnvelopeCli";

  /** Exit status and output of one run. */
  public record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  private ChildJvm() {}

  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * A process builder for {@code java [jvmArgs] -cp <test class path> EnvelopeCli args}, with
   * ENVELOPE_HOME set.
   */
  public static ProcessBuilder builder(Path envelopeHome, List<String> jvmArgs, String... args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(MAIN);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.remove("ENVELOPE_KMS");
    env.put("ENVELOPE_HOME", envelopeHome.toString());
    return pb;
  }

  public static Run run(Path envelopeHome, String... args) {
    return run(envelopeHome, List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto"), args);
  }

  public static Run run(Path envelopeHome, List<String> jvmArgs, String... args) {
    try {
      Process p = builder(envelopeHome, jvmArgs, args).start();
      p.getOutputStream().close();
      CompletableFuture<String> out =
          CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
      CompletableFuture<String> err =
          CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("envelope " + String.join(" ", args) + " did not finish in 120 s");
      }
      return new Run(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static String drain(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
