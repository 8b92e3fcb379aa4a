package dev.envelope.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Envelope and the JavaScript AWS Encryption SDK ({@code @aws-crypto/client-node}, pinned in {@code
 * src/test/js/package-lock.json}, run with the machine's Node.js) read each other's messages:
 * {@code interop.js} decrypts the vectors {@link EnvelopeVectorGenerator} writes and encrypts
 * vectors of its own, which Envelope's runner then decrypts. Without {@code node} this test fails:
 * it is part of the compatibility promise. {@code .ci/run} installs the package with {@code npm
 * ci}; the test does the same if it finds it missing.
 */
class JsEsdkInteropTest {
  private static final Path JS_DIR = Path.of("src/test/js");

  @TempDir Path dir;

  @Test
  void javascriptEsdkAndEnvelopeDecryptEachOthersMessages() throws Exception {
    String node = executable("node");
    ensureInstalled();
    Path envelopeVectors = dir.resolve("envelope");
    Path jsVectors = dir.resolve("js");
    List<EnvelopeVectorGenerator.Vector> vectors =
        EnvelopeVectorGenerator.generate(envelopeVectors);

    String out =
        run(
            List.of(
                node,
                "interop.js",
                envelopeVectors.toAbsolutePath().toString(),
                jsVectors.toAbsolutePath().toString()),
            600);
    String summaryLine =
        out.lines()
            .filter(l -> l.startsWith("{"))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError("interop.js printed no summary:\n" + out));
    Map<String, Object> summary = Json.object(Json.parse(summaryLine), "summary");
    Map<String, Object> decrypted = Json.object(summary.get("decrypted"), "decrypted");
    long requiredContext =
        vectors.stream().filter(v -> v.cmm().equals("RequiredEncryptionContext")).count();
    long pkcs1 =
        vectors.stream()
            .filter(v -> v.cmm().equals("Default") && v.key().endsWith("PKCS1"))
            .count();
    System.out.println(
        "JavaScript ESDK decrypted "
            + decrypted.get("decrypted")
            + " of "
            + vectors.size()
            + " Envelope vectors; skipped "
            + requiredContext
            + " with required encryption context (the JavaScript"
            + " ESDK has no reproduced context) and "
            + pkcs1
            + " PKCS#1 v1.5 RSA (Node.js refuses to decrypt it)");
    assertThat((List<?>) decrypted.get("failures")).isEmpty();
    assertThat(decrypted.get("decrypted")).isEqualTo(vectors.size() - requiredContext - pkcs1);
    assertThat(decrypted.get("skippedRequiredContext")).isEqualTo(requiredContext);

    DecryptVectorRunner.Summary ours =
        new DecryptVectorRunner(VectorFiles.fromDirectory(jsVectors), false).run();
    System.out.println(ours);
    assertThat(ours.failures()).isEmpty();
    assertThat(ours.total()).isEqualTo(33);
    assertThat(ours.passed()).isEqualTo(33);
  }

  /** Installs the pinned package from the npm registry if an earlier {@code npm ci} has not. */
  private static void ensureInstalled() throws Exception {
    if (Files.isDirectory(JS_DIR.resolve("node_modules/@aws-crypto/client-node"))) {
      return;
    }
    run(List.of(executable("npm"), "ci", "--no-audit", "--no-fund"), 600);
    assertThat(JS_DIR.resolve("node_modules/@aws-crypto/client-node")).isDirectory();
  }

  private static String executable(String name) {
    for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(p, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError(
        name
            + " is not on the PATH: the JavaScript ESDK interoperability test needs"
            + " Node.js and npm (Debian: apt-get install nodejs npm)");
  }

  private static String run(List<String> command, int timeoutSeconds)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("js-interop", ".log");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(JS_DIR.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(process.exitValue()).as(String.join(" ", command) + " output:\n" + out).isZero();
      return out;
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
