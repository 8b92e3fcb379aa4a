package dev.envelope.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The official decrypt vectors (see {@code src/test/resources/vectors/README.md}): every vector
 * that needs only raw keys decrypts, one-shot and streamed, to its plaintext, or fails as its
 * manifest says; vectors that need AWS KMS are skipped and counted.
 */
class OfficialDecryptVectorsTest {

  static VectorFiles archive(String resource) throws IOException {
    try (InputStream in =
        OfficialDecryptVectorsTest.class.getResourceAsStream("/vectors/" + resource)) {
      assertThat(in).as(resource).isNotNull();
      return VectorFiles.fromZip(resource, in);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // archive, vectors in its manifest, of which need KMS
    "v4-Net-4.0.1.zip, 132, 33",
    "valid-Net-4.0.0.zip, 5, 0",
  })
  void everyRawKeyVectorDecrypts(String resource, int total, int kms) throws IOException {
    DecryptVectorRunner.Summary summary = new DecryptVectorRunner(archive(resource), false).run();
    System.out.println(summary);
    assertThat(summary.failures()).isEmpty();
    assertThat(summary.total()).isEqualTo(total);
    assertThat(summary.kmsSkipped()).isEqualTo(kms);
    assertThat(summary.passed()).isEqualTo(total - kms);
    if (resource.startsWith("v4-Net")) {
      // All 11 suites, the legacy ones (signed P-256 and P-384 included) as well as both committing
      // ones.
      assertThat(summary.suitesPassed())
          .containsExactlyInAnyOrder(dev.envelope.AlgorithmSuite.values());
    }
  }

  /**
   * ESDK-NET 4.0.0 wrote messages off the specification (two extra bytes in the header
   * authentication data of default-CMM messages, no message id in the key derivation of
   * non-committing suites); the Dafny ESDK's CI expects a conforming reader to refuse them. None
   * may decrypt.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"invalid-Net-4.0.0.zip, 28"})
  void offSpecificationVectorsNeverDecrypt(String resource, int total) throws IOException {
    DecryptVectorRunner.Summary summary = new DecryptVectorRunner(archive(resource), true).run();
    System.out.println(summary);
    assertThat(summary.failures()).isEmpty();
    assertThat(summary.passed()).isEqualTo(total);
  }
}
