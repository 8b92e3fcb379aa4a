package dev.envelope.aws;

import static dev.envelope.aws.KmsFixture.A;
import static dev.envelope.aws.KmsFixture.B;
import static dev.envelope.aws.KmsFixture.B_APP;
import static dev.envelope.aws.KmsFixture.B_KEY;
import static dev.envelope.aws.KmsFixture.B_NO_IAM;
import static dev.envelope.aws.KmsFixture.EAST;
import static dev.envelope.aws.KmsFixture.K2;
import static dev.envelope.aws.KmsFixture.SHARED;
import static dev.envelope.aws.KmsFixture.WEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.envelope.Envelope;
import dev.envelope.NoUsableDataKeyException;
import dev.envelope.aws.local.AuditEvent;
import dev.envelope.keyring.MultiKeyring;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Keys shared across accounts, over HTTP with the real {@code KmsClient}: account A's key {@link
 * KmsFixture#SHARED} (us-west-2) trusts account B in its key policy; B's roles differ in their IAM
 * policies. Also discovery over messages whose data keys span accounts and Regions.
 */
class KmsKeyringCrossAccountTest {
  private static final byte[] PLAINTEXT = "attack at dawn".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> CONTEXT = Map.of("tenant", "acme");
  private static final String C = "999988887777";

  static KmsFixture fixture;
  static KmsClientSupplier aApp;
  static KmsClientSupplier bApp;
  static KmsClientSupplier bNoIam;

  @BeforeAll
  static void start() {
    fixture = new KmsFixture();
    aApp = fixture.clients("A_APP");
    bApp = fixture.clients("B_APP");
    bNoIam = fixture.clients("B_NO_IAM");
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static Envelope envelope(dev.envelope.keyring.Keyring keyring) {
    return Envelope.builder().keyring(keyring).build();
  }

  private static int mark() {
    return fixture.kms.auditLog().events().size();
  }

  private static List<AuditEvent> eventsSince(int mark) {
    List<AuditEvent> all = fixture.kms.auditLog().events();
    return new ArrayList<>(all.subList(Math.min(mark, all.size()), all.size()));
  }

  @Test
  void keyPolicyAndIamBothAllowTheOtherAccount() {
    KmsKeyring fromB = KmsKeyring.builder().generatorKeyId(SHARED).clientSupplier(bApp).build();
    int mark = mark();
    byte[] message = envelope(fromB).encrypt(PLAINTEXT, CONTEXT);
    assertThat(envelope(fromB).decrypt(message).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(eventsSince(mark))
        .extracting(
            AuditEvent::operation,
            AuditEvent::callerArn,
            AuditEvent::keyArn,
            AuditEvent::region,
            AuditEvent::decision)
        .containsExactly(
            tuple("GenerateDataKey", B_APP, SHARED, WEST, "ALLOW"),
            tuple("Decrypt", B_APP, SHARED, WEST, "ALLOW"));

    // The owner decrypts what B wrote, and the other way round.
    KmsKeyring owner = KmsKeyring.builder().keyIds(SHARED).clientSupplier(aApp).build();
    assertThat(envelope(owner).decrypt(message).plaintext()).isEqualTo(PLAINTEXT);
    byte[] fromOwner =
        envelope(KmsKeyring.builder().generatorKeyId(SHARED).clientSupplier(aApp).build())
            .encrypt(PLAINTEXT, CONTEXT);
    assertThat(envelope(fromB).decrypt(fromOwner).plaintext()).isEqualTo(PLAINTEXT);
  }

  @Test
  void keyPolicyAllowsButTheCallersIamPolicyDoesNot() {
    byte[] message =
        envelope(KmsKeyring.builder().generatorKeyId(SHARED).clientSupplier(bApp).build())
            .encrypt(PLAINTEXT, CONTEXT);
    KmsKeyring noIam = KmsKeyring.builder().generatorKeyId(SHARED).clientSupplier(bNoIam).build();
    assertThatThrownBy(() -> envelope(noIam).encrypt(PLAINTEXT, CONTEXT))
        .isInstanceOfSatisfying(
            KmsKeyProviderException.class, e -> assertIamSideMissing(e, "GenerateDataKey"));
    assertThatThrownBy(() -> envelope(noIam).decrypt(message))
        .isInstanceOfSatisfying(
            KmsKeyProviderException.class, e -> assertIamSideMissing(e, "Decrypt"));
  }

  private static void assertIamSideMissing(KmsKeyProviderException e, String operation) {
    assertThat(e.errorCode()).hasValue("AccessDeniedException");
    assertThat(e.operation()).isEqualTo(operation);
    assertThat(e.keyArn()).isEqualTo(SHARED);
    assertThat(e.region()).isEqualTo(WEST);
    assertThat(e.getMessage()).contains("no identity-based policy allows");
    assertThat(e.explanation())
        .contains("Cross-account")
        .contains("key policy in account " + A)
        .contains("IAM policy in account " + B)
        .contains(B_NO_IAM)
        .contains("KMS says the caller's IAM policy side is missing")
        .doesNotContain("key policy side is missing");
    assertThat(e.getMessage()).doesNotContain(new String(PLAINTEXT, StandardCharsets.UTF_8));
  }

  @Test
  void callersIamPolicyAllowsButTheKeyPolicyDoesNot() {
    // K2 keeps the default key policy: it trusts account A only, whatever B's IAM policies say.
    byte[] message =
        envelope(KmsKeyring.builder().generatorKeyId(K2).clientSupplier(aApp).build())
            .encrypt(PLAINTEXT, CONTEXT);
    KmsKeyring fromB = KmsKeyring.builder().generatorKeyId(K2).clientSupplier(bApp).build();
    assertThatThrownBy(() -> envelope(fromB).encrypt(PLAINTEXT, CONTEXT))
        .isInstanceOfSatisfying(
            KmsKeyProviderException.class, e -> assertKeyPolicySideMissing(e, "GenerateDataKey"));
    assertThatThrownBy(() -> envelope(fromB).decrypt(message))
        .isInstanceOfSatisfying(
            KmsKeyProviderException.class, e -> assertKeyPolicySideMissing(e, "Decrypt"));
  }

  private static void assertKeyPolicySideMissing(KmsKeyProviderException e, String operation) {
    assertThat(e.errorCode()).hasValue("AccessDeniedException");
    assertThat(e.operation()).isEqualTo(operation);
    assertThat(e.keyArn()).isEqualTo(K2);
    assertThat(e.getMessage()).contains("no resource-based policy allows");
    assertThat(e.explanation())
        .contains("Cross-account")
        .contains("key policy in account " + A)
        .contains("must allow " + B_APP)
        .contains("KMS says the key policy side is missing")
        .doesNotContain("IAM policy side is missing");
  }

  /**
   * A message with data keys under account B's key (us-east-1) and account A's shared key
   * (us-west-2).
   */
  private static byte[] twoAccountsTwoRegions() {
    MultiKeyring both =
        MultiKeyring.of(
            KmsKeyring.builder().generatorKeyId(B_KEY).clientSupplier(bApp).build(),
            KmsKeyring.builder().keyIds(SHARED).clientSupplier(aApp).build());
    return envelope(both).encrypt(PLAINTEXT, CONTEXT);
  }

  @Test
  void discoveryCallsKmsOnlyForTheAccountsTheFilterAllows() {
    byte[] message = twoAccountsTwoRegions();

    // Account B's data key comes first but is outside the filter: skipped without a call, A's
    // decrypts.
    int mark = mark();
    KmsKeyring onlyA =
        KmsKeyring.builder()
            .discovery(DiscoveryFilter.of("aws", A))
            .discoveryRegions(EAST, WEST)
            .clientSupplier(aApp)
            .build();
    assertThat(envelope(onlyA).decrypt(message).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(eventsSince(mark))
        .extracting(AuditEvent::operation, AuditEvent::keyArn, AuditEvent::region)
        .containsExactly(tuple("Decrypt", SHARED, WEST));

    // Neither account allowed: a typed failure and no request at all.
    mark = mark();
    KmsKeyring onlyC =
        KmsKeyring.builder()
            .discovery(DiscoveryFilter.of("aws", C))
            .discoveryRegions(EAST, WEST)
            .clientSupplier(aApp)
            .build();
    assertThatThrownBy(() -> envelope(onlyC).decrypt(message))
        .isInstanceOf(NoUsableDataKeyException.class)
        .hasMessageContaining("2 encrypted data key(s)");
    // Account A allowed, but its key is single-Region in us-west-2 and the keyring is limited to
    // us-east-1.
    KmsKeyring onlyAEast =
        KmsKeyring.builder()
            .discovery(DiscoveryFilter.of("aws", A))
            .discoveryRegion(EAST)
            .clientSupplier(aApp)
            .build();
    assertThatThrownBy(() -> envelope(onlyAEast).decrypt(message))
        .isInstanceOf(NoUsableDataKeyException.class);
    assertThat(eventsSince(mark)).isEmpty();
  }

  @Test
  void discoveryFailureForTheAllowedAccountNeverTouchesTheExcludedOne() {
    byte[] message = twoAccountsTwoRegions();
    KmsClient adminWest = fixture.kms.kmsClientFor("A_ADMIN", WEST);
    adminWest.disableKey(b -> b.keyId(SHARED));
    try {
      int mark = mark();
      KmsKeyring onlyA =
          KmsKeyring.builder()
              .discovery(DiscoveryFilter.of("aws", A))
              .discoveryRegions(EAST, WEST)
              .clientSupplier(aApp)
              .build();
      assertThatThrownBy(() -> envelope(onlyA).decrypt(message))
          .isInstanceOfSatisfying(
              KmsKeyProviderException.class,
              e -> {
                assertThat(e.errorCode()).hasValue("DisabledException");
                assertThat(e.keyArn()).isEqualTo(SHARED);
                assertThat(e.getSuppressed()).isEmpty(); // B's data key was not attempted
              });
      List<AuditEvent> events = eventsSince(mark);
      assertThat(events).isNotEmpty().allSatisfy(ev -> assertThat(ev.keyArn()).isEqualTo(SHARED));
      assertThat(events)
          .noneMatch(ev -> B_KEY.equals(ev.keyArn()) || B.equals(accountOf(ev.keyArn())));
    } finally {
      adminWest.enableKey(b -> b.keyId(SHARED));
    }
  }

  private static String accountOf(String arn) {
    return arn == null ? null : arn.split(":")[4];
  }
}
