package dev.envelope.aws.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.aws.internal.json.JsonReader;
import dev.envelope.aws.internal.json.JsonValue;
import dev.envelope.aws.policy.doctor.AccessDoctor;
import dev.envelope.aws.policy.doctor.AccessEnvironment;
import dev.envelope.aws.policy.doctor.AccessQuestion;
import dev.envelope.aws.policy.doctor.Diagnosis;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateGrantResponse;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * The doctor decides every authorization scenario of the local KMS conformance suite ({@code
 * dev.envelope.aws.local.AuthorizationConformanceTest}) the way the local KMS does.
 *
 * <p>One environment file ({@code policy/doctor/conformance-environment.json}, the same principals,
 * keys and policies as that suite) configures both: the local KMS reads it with {@link
 * LocalKmsConfig#fromJson} and the doctor with {@link AccessEnvironment#fromJson}. Each scenario
 * makes the real call over HTTP with the real KmsClient, takes the decision from the local KMS's
 * audit log, and asks the doctor the same question; the two effects (ALLOW, EXPLICIT_DENY,
 * IMPLICIT_DENY) must be equal. The conformance suite's scenarios are JUnit methods, not data, so
 * they are restated here once as rows, one per authorization decision they assert.
 */
class DoctorAgreesWithLocalKmsTest {
  static final String A = "111122223333";
  static final String B = "444455556666";
  static final String EAST = "us-east-1";
  static final String WEST = "us-west-2";
  static final String NOIAM = "arn:aws:iam::" + A + ":role/NoIam";
  static final String GRANTEE = "arn:aws:iam::" + A + ":role/Grantee";
  static final String DENIED = "arn:aws:iam::" + A + ":role/Denied";
  static final String PARTNER_NOIAM = "arn:aws:iam::" + B + ":role/PartnerNoIam";

  static String environmentJson;
  static AccessEnvironment environment;
  static final Map<String, String> KEY_IDS = new HashMap<>();
  static final Map<String, String> PRINCIPAL_ARNS = new HashMap<>();
  static final Map<String, String> VIA = new HashMap<>();
  static LocalKms kms;
  static KmsClient admin;

  @BeforeAll
  static void start() throws IOException {
    try (InputStream in =
        DoctorAgreesWithLocalKmsTest.class.getResourceAsStream(
            "/policy/doctor/conformance-environment.json")) {
      environmentJson = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    JsonValue root = JsonReader.parse(environmentJson);
    for (JsonValue k : root.field("keys").orElseThrow().asArray()) {
      KEY_IDS.put(
          k.field("description").orElseThrow().asString(),
          k.field("keyId").orElseThrow().asString());
    }
    for (JsonValue p : root.field("principals").orElseThrow().asArray()) {
      String id = p.field("accessKeyId").orElseThrow().asString();
      PRINCIPAL_ARNS.put(id, p.field("arn").orElseThrow().asString());
      p.field("viaService").ifPresent(v -> VIA.put(id, v.asString()));
    }
    environment = AccessEnvironment.fromJson(environmentJson);
    kms = LocalKms.start(LocalKmsConfig.fromJson(environmentJson));
    admin = kms.kmsClientFor("A_ADMIN");
  }

  /** Effects seen, so that agreement cannot be the trivial "both always deny". */
  static final Map<String, Integer> SEEN = new java.util.concurrent.ConcurrentHashMap<>();

  @AfterAll
  static void stop() {
    kms.close();
    assertThat(SEEN.keySet()).containsExactlyInAnyOrder("ALLOW", "IMPLICIT_DENY", "EXPLICIT_DENY");
    assertThat(SEEN.get("ALLOW")).isGreaterThan(25);
    assertThat(SEEN.get("IMPLICIT_DENY")).isGreaterThan(25);
  }

  static String key(String name) {
    return key(name, EAST);
  }

  static String key(String name, String region) {
    String account = name.startsWith("b-") ? B : A;
    return "arn:aws:kms:" + region + ":" + account + ":key/" + KEY_IDS.get(name);
  }

  static String alias(String name) {
    return "arn:aws:kms:" + EAST + ":" + A + ":alias/" + name;
  }

  // ---- scenarios ---------------------------------------------------------------------------

  /** A grant the scenario needs, created by the admin before it and revoked after it. */
  record GrantSpec(
      String grantee,
      List<String> operations,
      Map<String, String> equals,
      Map<String, String> subset,
      String retiring,
      boolean delayed) {}

  /**
   * One request. {@code keyRef} is what names the key in the request (and to the doctor); for
   * Decrypt, {@code cipherKey} is the key the admin encrypts under first, and {@code keyRef} is the
   * KeyId parameter (null: none, the ciphertext names the key).
   */
  record Scenario(
      String name,
      String principal,
      String operation,
      String keyRef,
      String cipherKey,
      String region,
      Map<String, String> context,
      GrantSpec grant,
      boolean presentToken,
      List<String> grantOperations) {
    @Override
    public String toString() {
      return name;
    }

    Scenario with(GrantSpec g) {
      return new Scenario(
          name,
          principal,
          operation,
          keyRef,
          cipherKey,
          region,
          context,
          g,
          presentToken,
          grantOperations);
    }

    Scenario presentingToken() {
      return new Scenario(
          name,
          principal,
          operation,
          keyRef,
          cipherKey,
          region,
          context,
          grant,
          true,
          grantOperations);
    }

    Scenario in(String r) {
      return new Scenario(
          name,
          principal,
          operation,
          keyRef,
          cipherKey,
          r,
          context,
          grant,
          presentToken,
          grantOperations);
    }

    Scenario ctx(Map<String, String> c) {
      return new Scenario(
          name,
          principal,
          operation,
          keyRef,
          cipherKey,
          region,
          c,
          grant,
          presentToken,
          grantOperations);
    }

    Scenario newGrantFor(String... ops) {
      return new Scenario(
          name,
          principal,
          operation,
          keyRef,
          cipherKey,
          region,
          context,
          grant,
          presentToken,
          List.of(ops));
    }
  }

  static Scenario call(String name, String principal, String op, String keyRef) {
    return new Scenario(name, principal, op, keyRef, null, EAST, Map.of(), null, false, List.of());
  }

  static Scenario decrypt(String name, String principal, String cipherKey, String keyIdParam) {
    return new Scenario(
        name, principal, "Decrypt", keyIdParam, cipherKey, EAST, Map.of(), null, false, List.of());
  }

  static GrantSpec grant(String grantee, String... ops) {
    return new GrantSpec(grantee, List.of(ops), Map.of(), Map.of(), null, false);
  }

  static Stream<Scenario> scenarios() {
    List<Scenario> s = new ArrayList<>();
    // same account
    s.add(call("iam delegation: encrypt", "A_APP", "Encrypt", key("default")));
    s.add(decrypt("iam delegation: decrypt", "A_APP", key("default"), null));
    s.add(call("delegation only, no IAM policy", "A_NOIAM", "Encrypt", key("default")));
    s.add(call("key policy alone: encrypt", "A_NOIAM", "Encrypt", key("direct")));
    s.add(decrypt("key policy alone: decrypt", "A_NOIAM", key("direct"), null));
    s.add(
        call(
            "key policy naming principal, other action",
            "A_NOIAM",
            "GetKeyRotationStatus",
            key("direct")));
    s.add(call("no delegation: named admin", "A_ADMIN", "DescribeKey", key("nodelegation")));
    s.add(call("no delegation: IAM alone grants nothing", "A_APP", "Encrypt", key("nodelegation")));
    s.add(call("key policy deny, other action", "A_APP", "Encrypt", key("keydeny")));
    s.add(decrypt("key policy deny wins over IAM allow", "A_APP", key("keydeny"), null));
    s.add(decrypt("key policy deny names App only", "A_ADMIN", key("keydeny"), null));
    s.add(call("IAM deny, other action", "A_DENIED", "Encrypt", key("default")));
    s.add(decrypt("IAM deny wins over key policy allow", "A_DENIED", key("default"), null));
    s.add(
        decrypt("IAM deny wins over grant", "A_DENIED", key("grants"), null)
            .with(grant(DENIED, "Decrypt", "Encrypt")));
    // cross account
    s.add(call("cross: both sides, encrypt", "B_PARTNER", "Encrypt", key("cross")));
    s.add(decrypt("cross: both sides, decrypt", "B_PARTNER", key("cross"), null));
    s.add(decrypt("cross key, own account caller", "A_APP", key("cross"), null));
    s.add(call("cross: no IAM policy", "B_NOIAM", "Encrypt", key("cross")));
    s.add(
        call(
            "cross: role named directly still needs IAM",
            "B_NOIAM",
            "Encrypt",
            key("crossdirect")));
    s.add(call("cross: IAM only, key policy silent", "C_OTHER", "Encrypt", key("cross")));
    s.add(call("cross: IAM only, default key", "C_OTHER", "Encrypt", key("default")));
    s.add(call("cross: IAM deny, encrypt allowed", "B_DENIED", "Encrypt", key("cross")));
    s.add(decrypt("cross: IAM deny wins", "B_DENIED", key("cross"), null));
    s.add(
        call("cross: management is not cross-account", "B_PARTNER", "GetKeyPolicy", key("cross")));
    s.add(call("cross: alias ARN", "B_PARTNER", "Encrypt", alias("conf-cross")));
    s.add(call("B's own key by its admin", "B_ADMIN", "DescribeKey", key("b-default")));
    // request alias
    s.add(call("request alias: named by alias", "A_APP", "Encrypt", alias("conf-reqalias")));
    s.add(call("request alias: named by key ARN", "A_APP", "Encrypt", key("reqalias")));
    s.add(decrypt("request alias: decrypt without KeyId", "A_APP", key("reqalias"), null));
    s.add(
        decrypt(
            "request alias: decrypt naming alias",
            "A_APP",
            key("reqalias"),
            alias("conf-reqalias")));
    // conditions
    s.add(call("via service: direct call", "A_APP", "Encrypt", key("via")));
    s.add(call("via service: through S3", "A_APP_S3", "Encrypt", key("via")));
    s.add(decrypt("via service: decrypt through S3", "A_APP_S3", key("via"), null));
    s.add(
        call("context value matches", "A_APP", "Encrypt", key("ec")).ctx(Map.of("tenant", "acme")));
    s.add(
        decrypt("context value matches: decrypt", "A_APP", key("ec"), null)
            .ctx(Map.of("tenant", "acme")));
    s.add(
        call("context value differs", "A_APP", "Encrypt", key("ec"))
            .ctx(Map.of("tenant", "globex")));
    s.add(call("context value absent", "A_APP", "Encrypt", key("ec")));
    s.add(
        call("context values are case-sensitive", "A_APP", "Encrypt", key("ec"))
            .ctx(Map.of("tenant", "ACME")));
    s.add(call("ForAllValues: empty context is vacuously true", "A_APP", "Encrypt", key("forall")));
    s.add(
        call("ForAllValues: allowed key only", "A_APP", "Encrypt", key("forall"))
            .ctx(Map.of("tenant", "x")));
    s.add(
        call("ForAllValues: extra key", "A_APP", "Encrypt", key("forall"))
            .ctx(Map.of("tenant", "x", "other", "y")));
    s.add(
        call("ForAnyValue single-valued: match", "A_APP", "Encrypt", key("forany"))
            .ctx(Map.of("tenant", "globex")));
    s.add(
        call("ForAnyValue single-valued: no match", "A_APP", "Encrypt", key("forany"))
            .ctx(Map.of("tenant", "initech")));
    s.add(call("ForAnyValue single-valued: absent", "A_APP", "Encrypt", key("forany")));
    s.add(
        call("kms:GrantOperations within the allowed set", "A_APP", "CreateGrant", key("grantops"))
            .newGrantFor("Decrypt"));
    s.add(
        call("kms:GrantOperations beyond the allowed set", "A_APP", "CreateGrant", key("grantops"))
            .newGrantFor("Decrypt", "CreateGrant"));
    s.add(
        call("kms:GrantIsForAWSResource: direct call", "A_APP", "CreateGrant", key("awsresource"))
            .newGrantFor("Decrypt"));
    s.add(
        call("kms:GrantIsForAWSResource: through S3", "A_APP_S3", "CreateGrant", key("awsresource"))
            .newGrantFor("Decrypt"));
    s.add(
        call(
            "kms:CallerAccount with Principal *: own account",
            "A_NOIAM",
            "Encrypt",
            key("calleraccount")));
    s.add(
        call(
            "kms:CallerAccount with Principal *: other account",
            "B_PARTNER",
            "Encrypt",
            key("calleraccount")));
    s.add(call("aws:PrincipalArn pattern: matching role", "A_APP", "Encrypt", key("principalarn")));
    s.add(call("aws:PrincipalArn pattern: other role", "A_NOIAM", "Encrypt", key("principalarn")));
    // grants
    s.add(
        call("grant allows grantee without policy", "A_GRANTEE", "Encrypt", key("grants"))
            .with(grant(GRANTEE, "Encrypt", "Decrypt")));
    s.add(
        decrypt("grant allows grantee to decrypt", "A_GRANTEE", key("grants"), null)
            .with(grant(GRANTEE, "Encrypt", "Decrypt")));
    s.add(
        call("operation outside the grant", "A_GRANTEE", "DescribeKey", key("grants"))
            .with(grant(GRANTEE, "Encrypt", "Decrypt")));
    s.add(call("no grant, no policy", "A_GRANTEE", "Encrypt", key("grants")));
    GrantSpec equalsHr =
        new GrantSpec(GRANTEE, List.of("Encrypt"), Map.of("dept", "hr"), Map.of(), null, false);
    s.add(
        call("grant EncryptionContextEquals met", "A_GRANTEE", "Encrypt", key("grants"))
            .with(equalsHr)
            .ctx(Map.of("dept", "hr")));
    s.add(
        call("grant EncryptionContextEquals extra entry", "A_GRANTEE", "Encrypt", key("grants"))
            .with(equalsHr)
            .ctx(Map.of("dept", "hr", "extra", "1")));
    s.add(
        call("grant EncryptionContextEquals no context", "A_GRANTEE", "Encrypt", key("grants"))
            .with(equalsHr));
    GrantSpec subsetOps =
        new GrantSpec(
            GRANTEE, List.of("GenerateDataKey"), Map.of(), Map.of("dept", "ops"), null, false);
    s.add(
        call("grant EncryptionContextSubset met", "A_GRANTEE", "GenerateDataKey", key("grants"))
            .with(subsetOps)
            .ctx(Map.of("dept", "ops", "file", "a.txt")));
    s.add(
        call("grant EncryptionContextSubset missing", "A_GRANTEE", "GenerateDataKey", key("grants"))
            .with(subsetOps)
            .ctx(Map.of("file", "a.txt")));
    GrantSpec delayed = new GrantSpec(GRANTEE, List.of("Encrypt"), Map.of(), Map.of(), null, true);
    s.add(
        call("unpropagated grant without token", "A_GRANTEE", "Encrypt", key("grants"))
            .with(delayed));
    s.add(
        call("unpropagated grant with token", "A_GRANTEE", "Encrypt", key("grants"))
            .with(delayed)
            .presentingToken());
    s.add(
        call("grant to another account's role", "B_NOIAM", "Encrypt", key("grants"))
            .with(grant(PARTNER_NOIAM, "Encrypt")));
    GrantSpec retirable =
        new GrantSpec(GRANTEE, List.of("Encrypt"), Map.of(), Map.of(), NOIAM, false);
    s.add(
        call("retire: neither retiring principal nor grantee", "A_APP", "RetireGrant", null)
            .with(retirable)
            .presentingToken());
    s.add(
        call("retire: grantee without RetireGrant", "A_GRANTEE", "RetireGrant", null)
            .with(retirable)
            .presentingToken());
    s.add(
        call("retire: retiring principal", "A_NOIAM", "RetireGrant", null)
            .with(retirable)
            .presentingToken());
    s.add(
        call("CreateGrant needs permission", "A_APP", "CreateGrant", key("default"))
            .newGrantFor("Decrypt"));
    s.add(
        call("cross-account CreateGrant with both sides", "B_PARTNER", "CreateGrant", key("cross"))
            .newGrantFor("Encrypt"));
    GrantSpec parent = grant(GRANTEE, "CreateGrant", "Decrypt");
    s.add(
        call("grant with CreateGrant: narrower child", "A_GRANTEE", "CreateGrant", key("grants"))
            .with(parent)
            .newGrantFor("Decrypt"));
    s.add(
        call("grant with CreateGrant: broader child", "A_GRANTEE", "CreateGrant", key("grants"))
            .with(parent)
            .newGrantFor("Encrypt"));
    GrantSpec constrainedParent =
        new GrantSpec(
            GRANTEE,
            List.of("CreateGrant", "Decrypt"),
            Map.of(),
            Map.of("dept", "hr"),
            null,
            false);
    s.add(
        call("constrained parent: unconstrained child", "A_GRANTEE", "CreateGrant", key("grants"))
            .with(constrainedParent)
            .newGrantFor("Decrypt"));
    s.add(
        call("constrained parent: stricter child", "A_GRANTEE", "CreateGrant", key("grants"))
            .with(constrainedParent)
            .newGrantFor("Decrypt")
            .ctx(Map.of("dept", "hr", "site", "a")));
    s.add(
        call("grant on a disabled key", "A_GRANTEE", "Encrypt", key("disabled"))
            .with(grant(GRANTEE, "Encrypt")));
    // key states: authorization comes first
    s.add(call("disabled key, authorized caller", "A_APP", "Encrypt", key("disabled")));
    s.add(call("disabled key, describe", "A_APP", "DescribeKey", key("disabled")));
    s.add(call("disabled key, unauthorized caller", "A_NOIAM", "Encrypt", key("disabled")));
    s.add(call("pending deletion, unauthorized caller", "A_NOIAM", "Encrypt", key("pending")));
    s.add(call("pending deletion, authorized caller", "A_APP", "Encrypt", key("pending")));
    // multi-Region
    s.add(decrypt("replica decrypts primary's ciphertext", "A_APP", key("mrk"), null).in(WEST));
    s.add(call("replica by its own ARN", "A_APP", "Encrypt", key("mrk", WEST)).in(WEST));
    return s.stream();
  }

  // ---- running one scenario both ways ------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void doctorAgreesWithLocalKms(Scenario s) {
    CreateGrantResponse created = null;
    List<String> extraGrants = new ArrayList<>();
    if (s.grant() != null) {
      if (s.grant().delayed()) {
        kms.setGrantPropagationDelay(Duration.ofHours(1));
      }
      created = createGrant(s.grant(), s.keyRef() != null ? s.keyRef() : key("grants"));
      kms.setGrantPropagationDelay(Duration.ZERO);
    }
    try {
      String local = callLocalKms(s, created, extraGrants);
      Diagnosis doctor = AccessDoctor.diagnose(environmentWith(s, created), question(s, created));
      assertThat(doctor.decision().effect().name())
          .as("%s%nlocal KMS: %s%ndoctor:%n%s", s, local, doctor.render())
          .isEqualTo(local);
      SEEN.merge(local, 1, Integer::sum);
    } finally {
      for (String id : extraGrants) {
        revokeQuietly(s.keyRef(), id);
      }
      if (created != null) {
        revokeQuietly(s.keyRef() != null ? s.keyRef() : key("grants"), created.grantId());
      }
    }
  }

  private static CreateGrantResponse createGrant(GrantSpec g, String keyArn) {
    return admin.createGrant(
        b -> {
          b.keyId(keyArn)
              .granteePrincipal(g.grantee())
              .operationsWithStrings(g.operations())
              .retiringPrincipal(g.retiring());
          if (!g.equals().isEmpty() || !g.subset().isEmpty()) {
            b.constraints(
                c ->
                    c.encryptionContextEquals(g.equals().isEmpty() ? null : g.equals())
                        .encryptionContextSubset(g.subset().isEmpty() ? null : g.subset()));
          }
        });
  }

  private static void revokeQuietly(String keyArn, String grantId) {
    try {
      admin.revokeGrant(b -> b.keyId(keyArn).grantId(grantId));
    } catch (KmsException e) {
      // already retired by the scenario
    }
  }

  /** Makes the real call and returns the local KMS's authorization decision from its audit log. */
  private static String callLocalKms(Scenario s, CreateGrantResponse created, List<String> made) {
    KmsClient client = kms.kmsClientFor(s.principal(), s.region());
    List<String> tokens =
        s.presentToken() && created != null ? List.of(created.grantToken()) : List.of();
    SdkBytes plaintext = SdkBytes.fromUtf8String("secret");
    SdkBytes blob =
        s.operation().equals("Decrypt")
            ? admin
                .encrypt(
                    b -> b.keyId(s.cipherKey()).plaintext(plaintext).encryptionContext(s.context()))
                .ciphertextBlob()
            : null;
    kms.auditLog().clear();
    try {
      switch (s.operation()) {
        case "Encrypt" ->
            client.encrypt(
                b ->
                    b.keyId(s.keyRef())
                        .plaintext(plaintext)
                        .encryptionContext(s.context())
                        .grantTokens(tokens));
        case "GenerateDataKey" ->
            client.generateDataKey(
                b ->
                    b.keyId(s.keyRef())
                        .keySpec("AES_256")
                        .encryptionContext(s.context())
                        .grantTokens(tokens));
        case "Decrypt" ->
            client.decrypt(
                b ->
                    b.ciphertextBlob(blob)
                        .keyId(s.keyRef())
                        .encryptionContext(s.context())
                        .grantTokens(tokens));
        case "DescribeKey" -> client.describeKey(b -> b.keyId(s.keyRef()).grantTokens(tokens));
        case "GetKeyPolicy" -> client.getKeyPolicy(b -> b.keyId(s.keyRef()));
        case "GetKeyRotationStatus" -> client.getKeyRotationStatus(b -> b.keyId(s.keyRef()));
        case "RetireGrant" -> client.retireGrant(b -> b.grantToken(created.grantToken()));
        case "CreateGrant" ->
            made.add(
                client
                    .createGrant(
                        b -> {
                          b.keyId(s.keyRef())
                              .granteePrincipal(NOIAM)
                              .operationsWithStrings(s.grantOperations())
                              .grantTokens(tokens);
                          if (!s.context().isEmpty()) {
                            b.constraints(c -> c.encryptionContextSubset(s.context()));
                          }
                        })
                    .grantId());
        default -> throw new IllegalArgumentException(s.operation());
      }
    } catch (KmsException e) {
      // denied or refused for key state; the audit log has the authorization decision
    }
    AuditEvent event = kms.auditLog().last().orElseThrow();
    if (event.decision() == null && "AccessDeniedException".equals(event.errorCode())) {
      // Refused before policy evaluation (e.g. a management operation across accounts): KMS denies
      // it whatever the policies say, which is an implicit deny.
      return "IMPLICIT_DENY";
    }
    assertThat(event.decision())
        .as("local KMS made an authorization decision for %s: %s", s, event)
        .isNotNull();
    return event.decision();
  }

  /** The environment file, plus the scenario's grant in the file's grants format. */
  private static AccessEnvironment environmentWith(Scenario s, CreateGrantResponse created) {
    if (created == null) {
      return environment;
    }
    GrantSpec g = s.grant();
    String keyArn = s.keyRef() != null ? s.keyRef() : key("grants");
    StringBuilder grant =
        new StringBuilder("{\"GrantId\":")
            .append(q(created.grantId()))
            .append(",\"KeyId\":")
            .append(q(keyArn))
            .append(",\"GranteePrincipal\":")
            .append(q(g.grantee()))
            .append(",\"IssuingAccount\":")
            .append(q("arn:aws:iam::" + A + ":root"))
            .append(",\"GrantToken\":")
            .append(q(created.grantToken()))
            .append(",\"Propagated\":")
            .append(!g.delayed())
            .append(",\"Operations\":[");
    for (int i = 0; i < g.operations().size(); i++) {
      grant.append(i > 0 ? "," : "").append(q(g.operations().get(i)));
    }
    grant.append("]");
    if (g.retiring() != null) {
      grant.append(",\"RetiringPrincipal\":").append(q(g.retiring()));
    }
    grant
        .append(",\"Constraints\":{\"EncryptionContextEquals\":")
        .append(map(g.equals()))
        .append(",\"EncryptionContextSubset\":")
        .append(map(g.subset()))
        .append("}}");
    String json = environmentJson.strip();
    return AccessEnvironment.fromJson(
        json.substring(0, json.length() - 1) + ",\"grants\":[" + grant + "]}");
  }

  private static AccessQuestion question(Scenario s, CreateGrantResponse created) {
    String keyRef = s.keyRef();
    if (s.operation().equals("Decrypt") && keyRef == null) {
      // The ciphertext names the key; in another Region, the replica there.
      keyRef = s.cipherKey().replace(":" + EAST + ":", ":" + s.region() + ":");
    }
    if (keyRef == null) {
      keyRef = key("grants");
    }
    AccessQuestion.Builder b =
        AccessQuestion.builder()
            .caller(PRINCIPAL_ARNS.get(s.principal()))
            .key(keyRef)
            .operation(s.operation())
            .encryptionContext(s.context())
            .grantOperations(Set.copyOf(s.grantOperations()));
    if (VIA.containsKey(s.principal())) {
      b.viaService(VIA.get(s.principal()));
    }
    if (s.presentToken() && created != null) {
      b.grantToken(created.grantToken());
    }
    return b.build();
  }

  private static String q(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String map(Map<String, String> m) {
    StringBuilder out = new StringBuilder("{");
    new LinkedHashMap<>(m)
        .forEach(
            (k, v) ->
                out.append(out.length() > 1 ? "," : "").append(q(k)).append(':').append(q(v)));
    return out.append('}').toString();
  }
}
