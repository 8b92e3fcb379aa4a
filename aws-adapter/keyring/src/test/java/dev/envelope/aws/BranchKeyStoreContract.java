package dev.envelope.aws;

import static dev.envelope.aws.KmsFixture.DISABLED;
import static dev.envelope.aws.KmsFixture.K1;
import static dev.envelope.aws.KmsFixture.K2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.aws.BranchKeyStoreException.Reason;
import dev.envelope.aws.local.AuditEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BranchKeyStore} must do, run against each store on a real backend with the
 * local KMS over HTTP: the KMS calls and encryption contexts of the specification, conditional
 * creation and rotation, and typed, explained failures.
 */
abstract class BranchKeyStoreContract {
  static KmsFixture kms;
  static KmsClientSupplier app;

  @BeforeAll
  static void startKms() {
    kms = new KmsFixture();
    app = kms.clients("A_APP");
  }

  @AfterAll
  static void stopKms() {
    kms.close();
  }

  /** A store on the shared backend (one table per test class), wrapping with {@code kmsKey}. */
  abstract BranchKeyStore store(String kmsKey, KmsClientSupplier clients);

  /** A store whose backend does not answer (a closed port). */
  abstract BranchKeyStore unreachableStore();

  /** Changes the stored custom context value {@code key} of every record of the branch key. */
  abstract void tamperContext(String branchKeyId, String key, String value);

  BranchKeyStore store() {
    return store(K1, app);
  }

  private static List<AuditEvent> kmsCalls(String operation, String branchKeyId) {
    return kms.kms
        .auditLog()
        .events(
            e ->
                operation.equals(e.operation())
                    && branchKeyId.equals(e.encryptionContext().get("branch-key-id")));
  }

  private static byte[] key(BranchKeyMaterials m) {
    return m.withKey(byte[]::clone);
  }

  @Test
  void createMakesTheSpecifiedKmsCallsAndReadsBack() {
    BranchKeyStore store = store();
    String id = "create-" + UUID.randomUUID();
    assertThat(store.createBranchKey(id, Map.of("tenant", "acme"))).isEqualTo(id);

    // Two GenerateDataKeyWithoutPlaintext (version record, beacon) and one ReEncrypt (version ->
    // active).
    List<AuditEvent> generated = kmsCalls("GenerateDataKeyWithoutPlaintext", id);
    assertThat(generated).hasSize(2).allMatch(AuditEvent::succeeded);
    assertThat(generated)
        .extracting(e -> e.encryptionContext().get("type"))
        .anyMatch(t -> t.startsWith("branch:version:"))
        .contains("beacon:ACTIVE");
    assertThat(generated.get(0).encryptionContext())
        .containsEntry("tablename", store.logicalKeyStoreName())
        .containsEntry("kms-arn", K1)
        .containsEntry("hierarchy-version", "1")
        .containsEntry("aws-crypto-ec:tenant", "acme")
        .containsKey("create-time")
        .doesNotContainKey("enc");
    List<AuditEvent> reEncrypted = kmsCalls("ReEncrypt", id);
    assertThat(reEncrypted).hasSize(1);
    assertThat(reEncrypted.get(0).encryptionContext())
        .containsEntry("type", "branch:ACTIVE")
        .hasEntrySatisfying("version", v -> assertThat(v).startsWith("branch:version:"));

    try (BranchKeyMaterials active = store.activeBranchKey(id)) {
      assertThat(active.branchKeyId()).isEqualTo(id);
      assertThat(active.encryptionContext()).isEqualTo(Map.of("tenant", "acme"));
      assertThat(kmsCalls("Decrypt", id)).hasSize(1).allMatch(AuditEvent::succeeded);
      try (BranchKeyMaterials same = store.branchKeyVersion(id, active.version())) {
        assertThat(key(same)).isEqualTo(key(active)).hasSize(32);
      }
      assertThat(active.toString()).contains(id).doesNotContain(Arrays.toString(key(active)));
    }
    BranchKeyDescription d = store.describeBranchKey(id);
    assertThat(d.versions()).hasSize(1);
    assertThat(d.activeVersion()).isEqualTo(d.versions().get(0).version());
    assertThat(d.kmsKeyArn()).isEqualTo(K1);
    assertThat(d.versions().get(0).createTime())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
  }

  @Test
  void rotationMakesANewActiveVersionAndKeepsTheOldOne() {
    BranchKeyStore store = store();
    String id = store.createBranchKey();
    byte[] firstKey;
    String first;
    try (BranchKeyMaterials m = store.activeBranchKey(id)) {
      first = m.version();
      firstKey = key(m);
    }
    int reEncryptsBefore = kmsCalls("ReEncrypt", id).size();
    String second = store.versionBranchKey(id);
    // One ReEncrypt authenticates the active record, one makes the new active record.
    assertThat(kmsCalls("ReEncrypt", id)).hasSize(reEncryptsBefore + 2);
    assertThat(second).isNotEqualTo(first);
    try (BranchKeyMaterials active = store.activeBranchKey(id);
        BranchKeyMaterials old = store.branchKeyVersion(id, first)) {
      assertThat(active.version()).isEqualTo(second);
      assertThat(key(active)).isNotEqualTo(firstKey);
      assertThat(key(old)).isEqualTo(firstKey);
    }
    assertThat(store.describeBranchKey(id).versions())
        .extracting(BranchKeyDescription.Version::version)
        .containsExactlyInAnyOrder(first, second);
    assertThat(store.describeBranchKey(id).activeVersion()).isEqualTo(second);
  }

  @Test
  void concurrentRotationsNeverOverwriteEachOther() throws Exception {
    BranchKeyStore store = store();
    String id = store.createBranchKey();
    int threads = 4;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<String>> results = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        Callable<String> rotate =
            () -> {
              go.await();
              try {
                return store.versionBranchKey(id);
              } catch (BranchKeyStoreException e) {
                assertThat(e.reason()).isEqualTo(Reason.CONCURRENT_MODIFICATION);
                return null;
              }
            };
        results.add(pool.submit(rotate));
      }
      go.countDown();
      List<String> won = new ArrayList<>();
      for (Future<String> f : results) {
        String v = f.get();
        if (v != null) {
          won.add(v);
        }
      }
      assertThat(won).isNotEmpty();
      BranchKeyDescription d = store.describeBranchKey(id);
      // Every successful rotation left its version; the active one is one of them.
      assertThat(d.versions()).hasSize(1 + won.size());
      assertThat(won).contains(d.activeVersion());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void creatingAnExistingIdFailsAndChangesNothing() {
    BranchKeyStore store = store();
    String id = store.createBranchKey();
    String active = store.describeBranchKey(id).activeVersion();
    assertThatThrownBy(() -> store.createBranchKey(id, Map.of()))
        .isInstanceOfSatisfying(
            BranchKeyStoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.ALREADY_EXISTS);
              assertThat(e.branchKeyId()).contains(id);
            })
        .hasMessageContaining(id)
        .hasMessageContaining("already exists");
    assertThat(store.describeBranchKey(id).activeVersion()).isEqualTo(active);
    assertThat(store.describeBranchKey(id).versions()).hasSize(1);
  }

  @Test
  void aMissingBranchKeyIsNamedWithTheStoreAndKmsKey() {
    BranchKeyStore store = store();
    String id = "missing-" + UUID.randomUUID();
    for (var call :
        List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
            () -> store.activeBranchKey(id),
            () -> store.versionBranchKey(id),
            () -> store.describeBranchKey(id),
            () -> store.branchKeyVersion(id, UUID.randomUUID().toString()))) {
      assertThatThrownBy(call)
          .isInstanceOfSatisfying(
              BranchKeyStoreException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.BRANCH_KEY_NOT_FOUND);
                assertThat(e.store()).isEqualTo(store.description());
                assertThat(e.kmsKeyArn()).contains(K1);
              })
          .hasMessageContaining("no branch key " + id)
          .hasMessageContaining(store.description());
    }
  }

  @Test
  void aMissingVersionOfAnExistingKeyIsTold() {
    BranchKeyStore store = store();
    String id = store.createBranchKey();
    String version = UUID.randomUUID().toString();
    assertThatThrownBy(() -> store.branchKeyVersion(id, version))
        .isInstanceOfSatisfying(
            BranchKeyStoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.VERSION_NOT_FOUND);
              assertThat(e.version()).contains(version);
            })
        .hasMessageContaining("has no version " + version);
  }

  @Test
  void kmsDenialOnTheBranchKeyIsAKmsFailureWithItsDiagnosis() {
    String id = store().createBranchKey();
    // Account B's role without IAM permissions cannot use account A's key.
    BranchKeyStore denied = store(K1, kms.clients("B_NO_IAM"));
    assertThatThrownBy(() -> denied.activeBranchKey(id))
        .isInstanceOfSatisfying(
            BranchKeyStoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.KMS_FAILURE);
              assertThat(e.getCause())
                  .isInstanceOfSatisfying(
                      KmsKeyProviderException.class,
                      k -> assertThat(k.errorCode()).contains("AccessDeniedException"));
            })
        .hasMessageContaining("Decrypt")
        .hasMessageContaining(id)
        .hasMessageContaining(K1);

    // A disabled KMS key cannot make branch keys; nothing is written.
    BranchKeyStore disabled = store(DISABLED, app);
    String other = "disabled-" + UUID.randomUUID();
    assertThatThrownBy(() -> disabled.createBranchKey(other, Map.of()))
        .isInstanceOfSatisfying(
            BranchKeyStoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.KMS_FAILURE);
              assertThat(((KmsKeyProviderException) e.getCause()).errorCode())
                  .contains("DisabledException");
            })
        .hasMessageContaining("GenerateDataKeyWithoutPlaintext")
        .hasMessageContaining(DISABLED);
    assertThatThrownBy(() -> disabled.describeBranchKey(other))
        .isInstanceOfSatisfying(
            BranchKeyStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BRANCH_KEY_NOT_FOUND));
  }

  @Test
  void aRecordWrappedByAnotherKmsKeyIsRefusedWithoutCallingKms() {
    String id = store().createBranchKey();
    BranchKeyStore other = store(K2, app);
    int decrypts = kmsCalls("Decrypt", id).size();
    assertThatThrownBy(() -> other.activeBranchKey(id))
        .isInstanceOfSatisfying(
            BranchKeyStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.KMS_KEY_MISMATCH))
        .hasMessageContaining(K1)
        .hasMessageContaining(K2);
    assertThat(kmsCalls("Decrypt", id)).hasSize(decrypts);
  }

  @Test
  void aTamperedRecordDoesNotDecrypt() {
    BranchKeyStore store = store();
    String id = store.createBranchKey("tampered-" + UUID.randomUUID(), Map.of("tenant", "acme"));
    tamperContext(id, "tenant", "evil");
    assertThatThrownBy(() -> store.activeBranchKey(id))
        .isInstanceOfSatisfying(
            BranchKeyStoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.KMS_FAILURE);
              assertThat(((KmsKeyProviderException) e.getCause()).errorCode())
                  .contains("InvalidCiphertextException");
            });
    // Rotation authenticates the active record first, so it refuses too.
    assertThatThrownBy(() -> store.versionBranchKey(id))
        .isInstanceOfSatisfying(
            BranchKeyStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.KMS_FAILURE))
        .hasMessageContaining("authenticating");
  }

  @Test
  void anUnreachableStoreFailsFastAndTyped() {
    BranchKeyStore down = unreachableStore();
    long start = System.nanoTime();
    assertThatThrownBy(() -> down.activeBranchKey("any"))
        .isInstanceOfSatisfying(
            BranchKeyStoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.STORE_UNAVAILABLE);
              assertThat(e.branchKeyId()).contains("any");
            })
        .hasMessageContaining(down.description());
    assertThat((System.nanoTime() - start) / 1_000_000_000.0).isLessThan(20.0);
  }

  /**
   * For the JDBC stores' {@link #tamperContext}: rewrites the custom context of all three records
   * of a branch key in the {@code branch_keys} table behind the store's back.
   */
  static void tamperJdbcContext(Connection c, String branchKeyId, String key, String value) {
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE branch_keys SET encryption_context = ? WHERE branch_key_id = ?")) {
      s.setString(1, JdbcBranchKeyTable.encodeContext(Map.of(key, value)));
      s.setString(2, branchKeyId);
      assertThat(s.executeUpdate()).isEqualTo(3);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
