package dev.envelope.aws;

import static dev.envelope.aws.KmsFixture.A;
import static dev.envelope.aws.KmsFixture.EAST;
import static dev.envelope.aws.KmsFixture.K1;
import static dev.envelope.aws.KmsFixture.MRK_EAST;
import static dev.envelope.aws.KmsFixture.MRK_WEST;
import static dev.envelope.aws.KmsFixture.WEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.NoUsableDataKeyException;
import dev.envelope.aws.local.AuditEvent;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Discovery decrypts only in the Regions it is configured for: a Region named by a message (which
 * anyone can write, no key needed) never reaches the client supplier or KMS, and what was skipped
 * is explained.
 */
class KmsKeyringDiscoveryRegionsTest {
  private static final byte[] PLAINTEXT = "discovery".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> CONTEXT = Map.of("tenant", "acme");
  private static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;

  static KmsFixture fixture;
  static CachingKmsClientSupplier app;

  /** The Regions the keyrings under test asked the client supplier for. */
  static final List<String> asked = new CopyOnWriteArrayList<>();

  static final KmsClientSupplier recording =
      region -> {
        asked.add(region);
        return app.client(region);
      };

  @BeforeAll
  static void start() {
    fixture = new KmsFixture();
    app = fixture.clients("A_APP");
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static List<AuditEvent> eventsSince(int mark) {
    List<AuditEvent> all = fixture.kms.auditLog().events();
    return new ArrayList<>(all.subList(Math.min(mark, all.size()), all.size()));
  }

  private static int mark() {
    return fixture.kms.auditLog().events().size();
  }

  private static KmsKeyring.Builder discovery() {
    return KmsKeyring.builder().discovery(DiscoveryFilter.of("aws", A)).clientSupplier(recording);
  }

  @Test
  void madeUpRegionsOfAnAllowedAccountNeverReachTheClientSupplierOrKms() {
    List<EncryptedDataKey> forged = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String arn =
          "arn:aws:kms:xx-made-up-" + i + ":" + A + ":key/aaaaaaaa-0000-4000-8000-000000000001";
      forged.add(
          new EncryptedDataKey("aws-kms", arn.getBytes(StandardCharsets.UTF_8), new byte[64]));
    }
    asked.clear();
    int mark = mark();
    KmsKeyring keyring = discovery().discoveryRegion(EAST).build();

    assertThatThrownBy(
            () -> keyring.onDecrypt(DecryptionMaterials.of(SUITE, CONTEXT, null), forged))
        .isInstanceOf(NoUsableDataKeyException.class)
        .hasMessageContaining("none of the message's 10 encrypted data key(s)")
        .hasMessageContaining("so KMS was not called")
        .hasMessageContaining(
            "arn:aws:kms:xx-made-up-0:"
                + A
                + ":key/aaaaaaaa-0000-4000-8000-000000000001 is a"
                + " single-Region key in xx-made-up-0, not one of this keyring's discovery Regions [us-east-1]")
        .hasMessageContaining("xx-made-up-9");
    assertThat(asked).isEmpty();
    assertThat(eventsSince(mark)).isEmpty();
  }

  @Test
  void aSingleRegionKeyOfAnotherRegionIsSkippedAndTheErrorSaysWhy() {
    byte[] message =
        Envelope.builder()
            .keyring(KmsKeyring.builder().generatorKeyId(K1).clientSupplier(app).build())
            .build()
            .encrypt(PLAINTEXT, CONTEXT);
    asked.clear();
    int mark = mark();
    Envelope westOnly =
        Envelope.builder().keyring(discovery().discoveryRegion(WEST).build()).build();
    assertThatThrownBy(() -> westOnly.decrypt(message, CONTEXT))
        .isInstanceOf(NoUsableDataKeyException.class)
        .hasMessageContaining(
            K1
                + " is a single-Region key in us-east-1, not one of this keyring's discovery"
                + " Regions [us-west-2]");
    assertThat(asked).isEmpty();
    assertThat(eventsSince(mark)).isEmpty();

    Envelope both =
        Envelope.builder().keyring(discovery().discoveryRegions(WEST, EAST).build()).build();
    assertThat(both.decrypt(message, CONTEXT).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(asked).containsExactly(EAST);
  }

  @Test
  void aMultiRegionKeyOfAnotherRegionIsTriedWithItsReplicaInEachConfiguredRegionInOrder() {
    byte[] message =
        Envelope.builder()
            .keyring(KmsKeyring.builder().generatorKeyId(MRK_EAST).clientSupplier(app).build())
            .build()
            .encrypt(PLAINTEXT, CONTEXT);
    asked.clear();
    int mark = mark();
    // eu-west-1 has no replica of the key: that attempt fails, the us-west-2 replica decrypts.
    Envelope envelope =
        Envelope.builder().keyring(discovery().discoveryRegions("eu-west-1", WEST).build()).build();
    assertThat(envelope.decrypt(message, CONTEXT).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(asked).containsExactly("eu-west-1", WEST);
    assertThat(eventsSince(mark))
        .extracting(AuditEvent::operation, AuditEvent::region, AuditEvent::succeeded)
        .endsWith(tuple("Decrypt", WEST, true));
    assertThat(eventsSince(mark))
        .filteredOn(e -> "Decrypt".equals(e.operation()))
        .extracting(AuditEvent::keyArn)
        .contains(MRK_WEST);
  }
}
