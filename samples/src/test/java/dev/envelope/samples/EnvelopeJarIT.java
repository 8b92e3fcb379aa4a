package dev.envelope.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.samples.ChildJvm.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded {@code envelope.jar} as users get it, run by failsafe after {@code package}: what it
 * contains, how fast it starts, and that the commands which depend on what the jar leaves out still
 * work.
 */
class EnvelopeJarIT {
  /** Set by the samples pom; the defaults hold when the test runs from the samples directory. */
  static final Path JAR = Path.of(System.getProperty("envelope.jar", "target/envelope.jar"));

  static final Path BENCHMARKS_JAR =
      Path.of(System.getProperty("benchmarks.jar", "../benchmarks/target/benchmarks.jar"));

  /**
   * Entry prefixes that only the benchmarks (or nothing the CLI runs) need, with the reason. The
   * official ESDK, the MPL and its Dafny runtime come with the ESDK; JMH with its option parser and
   * statistics.
   */
  static final Map<String, String> FORBIDDEN = new LinkedHashMap<>();

  static {
    FORBIDDEN.put("dev/envelope/benchmarks/", "the benchmark suite");
    FORBIDDEN.put("com/amazonaws/", "the official AWS Encryption SDK");
    FORBIDDEN.put("software/amazon/cryptography/", "the Material Providers Library (MPL)");
    FORBIDDEN.put("software/amazon/smithy/", "the MPL's Smithy-Dafny conversion");
    FORBIDDEN.put("dafny/", "the Dafny runtime");
    // DynamoDB stays: `envelope branch-key --dynamodb-table` keeps branch keys in the MPL's table.
    FORBIDDEN.put("org/openjdk/jmh/", "JMH");
    FORBIDDEN.put("joptsimple/", "JMH's option parser");
    FORBIDDEN.put("org/apache/commons/math3/", "JMH's statistics");
    FORBIDDEN.put("org/apache/commons/lang3/", "a dependency of the official ESDK");
    FORBIDDEN.put("io/netty/", "the SDK's async HTTP client: the CLI makes blocking calls only");
    FORBIDDEN.put("org/apache/hc/", "Apache HttpClient: the CLI uses url-connection-client");
    FORBIDDEN.put("org/bouncycastle/pqc/", "Bouncy Castle's post-quantum algorithms");
    FORBIDDEN.put("org/bouncycastle/jcajce/", "Bouncy Castle's JCA provider");
  }

  @TempDir static Path dir;

  @BeforeAll
  static void jarIsBuilt() {
    assertThat(JAR).as("envelope.jar is built by `package`, before this test").isRegularFile();
  }

  @Test
  void isTheRunnableCli() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("dev.envelope.samples.cli.EnvelopeCli");
      assertThat(entries(jar))
          .contains(
              "dev/envelope/samples/cli/EnvelopeCli.class",
              "dev/envelope/aws/local/LocalKms.class",
              "software/amazon/awssdk/services/kms/KmsClient.class",
              "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class",
              "picocli/CommandLine.class");
    }
  }

  @Test
  void carriesNothingOnlyTheBenchmarksNeed() throws IOException {
    List<String> entries;
    try (JarFile jar = new JarFile(JAR.toFile())) {
      entries = entries(jar);
    }
    Map<String, List<String>> found = new LinkedHashMap<>();
    for (String entry : entries) {
      String top = entry.contains("/") ? entry.substring(0, entry.indexOf('/') + 1) : "";
      for (Map.Entry<String, String> f : FORBIDDEN.entrySet()) {
        if (entry.startsWith(f.getKey())) {
          found
              .computeIfAbsent(f.getKey() + " (" + f.getValue() + ")", k -> new ArrayList<>())
              .add(entry);
        }
      }
      // Dafny compiles each module to a top-level package named <Module>_Compile.
      if (top.endsWith("_Compile/")) {
        found
            .computeIfAbsent("*_Compile/ (Dafny-compiled MPL code)", k -> new ArrayList<>())
            .add(entry);
      }
      // Of the AWS services, the CLI calls KMS, and DynamoDB for the branch-key store.
      if (entry.startsWith("software/amazon/awssdk/services/")
          && !entry.equals("software/amazon/awssdk/services/")
          && !entry.startsWith("software/amazon/awssdk/services/kms/")
          && !entry.startsWith("software/amazon/awssdk/services/dynamodb/")) {
        found
            .computeIfAbsent(
                "an AWS service client other than KMS and DynamoDB", k -> new ArrayList<>())
            .add(entry);
      }
    }
    found.replaceAll((k, v) -> v.subList(0, Math.min(3, v.size())));
    assertThat(found).as("entries of %s that the CLI must not carry", JAR).isEmpty();
  }

  @Test
  void helpStartsWellWithinASecondOnAQuietMachine() {
    // Smoke check only: 3 s for the best of three runs, so a busy CI machine does not fail it. The
    // figure measured on a quiet machine is in samples/README.md.
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      Run r = runJar(dir.resolve("home"), "--help");
      millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.out()).contains("encrypt", "decrypt", "demo", "bench");
    }
    System.out.println("java -jar envelope.jar --help: " + millis + " ms");
    assertThat(Collections.min(millis)).as("fastest of %s ms", millis).isLessThan(3000);
  }

  @Test
  void demoRunsFromTheJar() {
    Run r = runJar(dir.resolve("demo-home"), "demo", "--file-size", "4MiB", "--records", "2000");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("SHA-256 matches", "Demo finished: all steps behaved as expected.");
  }

  @Test
  void decryptsASignedMessageWithTheBouncyCastlePartsItKeeps() throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path keyFile = dir.resolve("signed.key");
    Files.write(keyFile, key);
    byte[] plaintext =
        "signed with ECDSA P-384, verified by envelope.jar".getBytes(StandardCharsets.UTF_8);
    Envelope signing =
        Envelope.builder()
            .keyring(
                RawAesKeyring.builder().keyNamespace("it").keyName("k").wrappingKey(key).build())
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384)
            .build();
    byte[] message = signing.encrypt(plaintext, Map.of("purpose", "jar-test"));
    assertThat(((message[1] & 0xff) << 8) | (message[2] & 0xff)).as("suite id").isEqualTo(0x0578);
    Path in = dir.resolve("signed.envelope");
    Path out = dir.resolve("signed.out");
    Files.write(in, message);

    Run r =
        runJar(
            dir.resolve("home"),
            "decrypt",
            "-i",
            in.toString(),
            "-o",
            out.toString(),
            "--raw-aes-key",
            keyFile.toString(),
            "--key-namespace",
            "it",
            "--key-name",
            "k",
            "-c",
            "purpose=jar-test",
            "--no-progress");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(plaintext);
  }

  @Test
  void benchRunsTheBenchmarksJarOfTheSameBuildOrSaysHowToBuildIt() {
    Run r = runJar(dir.resolve("home"), "bench", "--help");
    if (Files.isRegularFile(BENCHMARKS_JAR)) {
      // `mvn verify` over the whole project packages benchmarks before samples.
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.out())
          .contains("--profile short|full", "--kms-only", "Anything else goes to JMH");
    } else {
      assertThat(r.exit()).as(r.toString()).isEqualTo(2);
      assertThat(r.err()).contains("mvn -B -q -pl benchmarks -am package -DskipTests");
    }
  }

  private static List<String> entries(JarFile jar) {
    return jar.stream().map(ZipEntry::getName).toList();
  }

  /** {@code java -jar envelope.jar args} with its own Envelope home, as a user runs it. */
  static Run runJar(Path envelopeHome, String... args) {
    List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("ENVELOPE_KMS");
    pb.environment().remove("ENVELOPE_BENCHMARKS_JAR");
    pb.environment().put("ENVELOPE_HOME", envelopeHome.toString());
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out =
          CompletableFuture.supplyAsync(() -> ChildJvm.drain(p.getInputStream()));
      CompletableFuture<String> err =
          CompletableFuture.supplyAsync(() -> ChildJvm.drain(p.getErrorStream()));
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            "java -jar envelope.jar " + String.join(" ", args) + " did not finish in 180 s");
      }
      return new Run(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
