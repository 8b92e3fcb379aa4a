package dev.envelope.samples.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/**
 * The Envelope home's local KMS config: written once with fresh key material, loaded on every run.
 */
class DevKmsTest {
  @TempDir Path home;

  private static SdkBytes encrypt(DevKms kms, String text) {
    return kms.client()
        .encrypt(b -> b.keyId(kms.defaultAlias()).plaintext(SdkBytes.fromUtf8String(text)))
        .ciphertextBlob();
  }

  @Test
  void keyMaterialWrittenOnFirstUseMakesCiphertextsReadableInTheNextRun() throws Exception {
    SdkBytes blob;
    try (DevKms first = DevKms.open(home)) {
      blob = encrypt(first, "kept");
    }
    Path config = home.resolve(DevKms.CONFIG_FILE);
    assertThat(Files.readString(config)).contains("\"keyMaterial\"");
    if (Files.getFileStore(config).supportsFileAttributeView("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
          .isEqualTo("rw-------");
    }
    assertThat(home.resolve("local-kms-escrow.key")).doesNotExist();
    try (DevKms second = DevKms.open(home)) {
      assertThat(second.client().decrypt(b -> b.ciphertextBlob(blob)).plaintext().asUtf8String())
          .isEqualTo("kept");
    }
    // Another home has its own material.
    try (DevKms other = DevKms.open(home.resolve("other"))) {
      assertThatThrownBy(() -> other.client().decrypt(b -> b.ciphertextBlob(blob)))
          .isInstanceOf(InvalidCiphertextException.class);
    }
  }

  @Test
  void eachDefaultConfigGetsItsOwnMaterial() {
    SecureRandom random = new SecureRandom();
    String a = DevKms.defaultConfigJson(random);
    String b = DevKms.defaultConfigJson(random);
    assertThat(a).isNotEqualTo(b);
    assertThat(a.replaceAll("\"keyMaterial\": \"[^\"]+\"", ""))
        .isEqualTo(b.replaceAll("\"keyMaterial\": \"[^\"]+\"", ""));
  }

  @Test
  void anOlderConfigWithoutKeyMaterialStillWorksButDoesNotPersistKeys() throws Exception {
    String legacy =
        DevKms.defaultConfigJson(new SecureRandom())
            .replaceAll(",\\s*\"keyMaterial\": \"[^\"]+\"", "");
    assertThat(legacy).doesNotContain("keyMaterial");
    Files.writeString(home.resolve(DevKms.CONFIG_FILE), legacy);
    SdkBytes blob;
    try (DevKms first = DevKms.open(home)) {
      blob = encrypt(first, "lost");
      assertThat(first.client().decrypt(b -> b.ciphertextBlob(blob)).plaintext().asUtf8String())
          .isEqualTo("lost");
    }
    assertThat(Files.readString(home.resolve(DevKms.CONFIG_FILE))).isEqualTo(legacy);
    try (DevKms second = DevKms.open(home)) {
      assertThatThrownBy(() -> second.client().decrypt(b -> b.ciphertextBlob(blob)))
          .isInstanceOf(InvalidCiphertextException.class);
    }
  }
}
