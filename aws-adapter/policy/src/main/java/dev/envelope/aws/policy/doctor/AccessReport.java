package dev.envelope.aws.policy.doctor;

import dev.envelope.aws.internal.json.JsonOutput;
import dev.envelope.aws.policy.AccessDecision;
import dev.envelope.aws.policy.AccessEvaluator;
import dev.envelope.aws.policy.AccessRequest;
import dev.envelope.aws.policy.CallerIdentity;
import dev.envelope.aws.policy.CallerPolicies;
import dev.envelope.aws.policy.Effect;
import dev.envelope.aws.policy.Grant;
import dev.envelope.aws.policy.KmsOperation;
import dev.envelope.aws.policy.Organization;
import dev.envelope.aws.policy.PolicyDocument;
import dev.envelope.aws.policy.Statement;
import dev.envelope.aws.policy.lint.ReportFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may do what with one key: for every principal an {@link AccessEnvironment} knows (described
 * principals, principals and accounts the key policy names, grantees) and for "anyone", the
 * operations on the key it may call, unconditionally or under conditions, decided by the same
 * evaluator as the doctor and the local KMS. Access from outside the key's account or organization
 * is flagged, as IAM Access Analyzer flags external access. Immutable.
 *
 * <p>"Under conditions" means: denied for a plain request, but allowed once the request fits the
 * conditions that do not identify the principal (encryption context, kms:ViaService, grant
 * constraints...); conditions on the principal's identity (kms:CallerAccount, aws:PrincipalOrgID,
 * aws:PrincipalArn...) are kept, since a principal cannot change who it is. Principals the
 * environment does not describe, and "anyone", are taken to have IAM policies that allow every KMS
 * action: their own account controls those.
 */
public final class AccessReport {
  /** The account of "anyone": an AWS account outside everything the environment describes. */
  static final String ANYONE_ACCOUNT = "000000000000";

  static final String ANYONE = "arn:aws:iam::" + ANYONE_ACCOUNT + ":role/anyone";

  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

  private static final PolicyDocument ALLOW_ALL_KMS =
      PolicyDocument.parseIdentityPolicy(
              "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                  + "\"kms:*\",\"Resource\":\"*\"}]}")
          .withName("assumed: its account's IAM allows kms:*");

  /** How far from the key a principal is. */
  public enum Exposure {
    /** The key's own account. */
    SAME_ACCOUNT,
    /** Another account of the key's organization. */
    ORGANIZATION,
    /** An account outside the key's account and organization. */
    EXTERNAL,
    /** Any AWS principal at all. */
    PUBLIC;

    /** True for access from outside the account and organization. */
    public boolean external() {
      return this == EXTERNAL || this == PUBLIC;
    }

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** Unconditional access, or access under conditions. */
  public enum Access {
    ALLOWED,
    CONDITIONAL
  }

  /**
   * One operation a principal may call.
   *
   * @param decidedBy what allows it (for conditional access, what would)
   * @param conditions for conditional access, the statements and grants with their conditions
   */
  public record OperationAccess(
      String operation, Access access, String decidedBy, List<String> conditions) {
    public OperationAccess {
      conditions = List.copyOf(conditions);
    }
  }

  /**
   * One principal and what it may do.
   *
   * @param principal its ARN, or "*" for anyone
   * @param described whether the environment describes its IAM policies (else they are assumed to
   *     allow)
   */
  public record PrincipalAccess(
      String principal,
      String account,
      Exposure exposure,
      boolean described,
      List<OperationAccess> operations) {
    public PrincipalAccess {
      operations = List.copyOf(operations);
    }
  }

  private final String keyArn;
  private final String keyAccount;
  private final String organizationId;
  private final List<PrincipalAccess> principals;

  private AccessReport(
      String keyArn, String keyAccount, String organizationId, List<PrincipalAccess> principals) {
    this.keyArn = keyArn;
    this.keyAccount = keyAccount;
    this.organizationId = organizationId;
    this.principals = List.copyOf(principals);
  }

  /**
   * Builds the report for one key of the environment.
   *
   * @throws IllegalArgumentException if the key is not described in the environment
   */
  public static AccessReport of(AccessEnvironment env, String keyArn) {
    EnvKey key =
        env.keyByArn(keyArn)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "key "
                            + keyArn
                            + " is not described in the environment; known keys: "
                            + env.keyArns()));
    String arn = key.arns().contains(keyArn) ? keyArn : key.primaryArn();
    Organization org = env.organization().orElse(null);
    List<Grant> grants =
        env.grants().stream()
            .filter(EnvGrant::propagated)
            .map(EnvGrant::grant)
            .filter(g -> g.keyArn() == null || key.arns().contains(g.keyArn()))
            .toList();
    List<PrincipalAccess> out = new ArrayList<>();
    for (Map.Entry<String, Boolean> p : subjects(env, key, grants).entrySet()) {
      out.add(evaluate(env, key, arn, grants, org, p.getKey(), p.getValue()));
    }
    return new AccessReport(arn, key.accountId(), org == null ? null : org.id(), out);
  }

  /** Every principal to report on, in order, with whether the environment describes it. */
  private static Map<String, Boolean> subjects(AccessEnvironment env, EnvKey key, List<Grant> g) {
    Map<String, Boolean> out = new LinkedHashMap<>();
    env.principalArns().forEach(a -> out.putIfAbsent(a, true));
    for (Statement s : key.policy().statements()) {
      if (s.notPrincipal()) {
        continue;
      }
      for (String p : s.principals().getOrDefault("AWS", List.of())) {
        if (p.equals("*")) {
          continue;
        }
        String arn = ACCOUNT_ID.matcher(p).matches() ? "arn:aws:iam::" + p + ":root" : p;
        out.putIfAbsent(arn, false);
      }
    }
    for (Grant grant : g) {
      String grantee = grant.granteePrincipal();
      if (grantee.startsWith("arn:")
          && (grantee.contains(":iam::") || grantee.contains(":sts::"))) {
        out.putIfAbsent(grant.granteePrincipal(), false);
      }
    }
    out.putIfAbsent(ANYONE, false);
    return out;
  }

  private static PrincipalAccess evaluate(
      AccessEnvironment env,
      EnvKey key,
      String keyArn,
      List<Grant> grants,
      Organization org,
      String principalArn,
      boolean described) {
    CallerIdentity caller = CallerIdentity.of(principalArn);
    EnvPrincipal principal =
        described ? env.principal(caller.arn(), caller.principalArn()).orElse(null) : null;
    CallerPolicies policies =
        principal != null
            ? principal.callerPolicies(caller.arn())
            : CallerPolicies.of(List.of(ALLOW_ALL_KMS));
    List<OperationAccess> ops = new ArrayList<>();
    for (KmsOperation op : operations()) {
      AccessQuestion q =
          AccessQuestion.builder()
              .caller(principalArn)
              .key(keyArn)
              .operation(op.operationName())
              .build();
      AccessRequest request =
          AccessDoctor.request(
                  q, caller, op.operationName(), key, keyArn, null, principal, Set.of())
              .build();
      AccessDecision strict =
          AccessEvaluator.evaluate(request, key.policy(), policies, grants, org);
      if (strict.allowed()) {
        ops.add(
            new OperationAccess(op.operationName(), Access.ALLOWED, strict.decidedBy(), List.of()));
        continue;
      }
      if (strict.effect() == Effect.EXPLICIT_DENY) {
        continue;
      }
      AccessDecision relaxed =
          AccessEvaluator.evaluate(
              request, key.policy().relaxed(), relax(policies), unconstrained(grants), org);
      if (relaxed.allowed()) {
        List<String> conditions =
            strict.unmetConditions().isEmpty()
                ? List.of("conditions on the request that " + relaxed.decidedBy() + " sets")
                : strict.unmetConditions();
        ops.add(
            new OperationAccess(
                op.operationName(), Access.CONDITIONAL, relaxed.decidedBy(), conditions));
      }
    }
    String account = caller.accountId();
    return new PrincipalAccess(
        principalArn.equals(ANYONE) ? "*" : principalArn,
        principalArn.equals(ANYONE) ? "any" : account,
        exposure(principalArn, account, key.accountId(), org),
        described && principal != null,
        ops);
  }

  /** The permissions on a key worth reporting: those of a symmetric encryption key. */
  private static List<KmsOperation> operations() {
    return Arrays.stream(KmsOperation.values())
        .filter(KmsOperation::isPermission)
        .filter(KmsOperation::onKey)
        .filter(KmsOperation::validOnSymmetricEncryptionKey)
        // Decided by the grant it retires, not by the key: see the doctor's RetireGrant.
        .filter(o -> o != KmsOperation.RETIRE_GRANT)
        .toList();
  }

  private static Exposure exposure(
      String arn, String account, String keyAccount, Organization org) {
    if (arn.equals(ANYONE)) {
      return Exposure.PUBLIC;
    }
    if (account.equals(keyAccount)) {
      return Exposure.SAME_ACCOUNT;
    }
    if (org != null && org.contains(account) && org.contains(keyAccount)) {
      return Exposure.ORGANIZATION;
    }
    return Exposure.EXTERNAL;
  }

  private static CallerPolicies relax(CallerPolicies p) {
    CallerPolicies.Builder b = CallerPolicies.builder();
    p.identityPolicies().forEach(d -> b.identityPolicy(d.relaxed()));
    p.permissionsBoundary().ifPresent(d -> b.permissionsBoundary(d.relaxed()));
    p.sessionPolicies().forEach(d -> b.sessionPolicy(d.relaxed()));
    return b.build();
  }

  private static List<Grant> unconstrained(List<Grant> grants) {
    return grants.stream()
        .map(
            g ->
                new Grant(
                    g.grantId(),
                    g.keyArn(),
                    g.granteePrincipal(),
                    g.retiringPrincipal(),
                    g.operations(),
                    null,
                    null,
                    g.name(),
                    g.issuingAccount()))
        .toList();
  }

  public String keyArn() {
    return keyArn;
  }

  public String keyAccount() {
    return keyAccount;
  }

  public Optional<String> organizationId() {
    return Optional.ofNullable(organizationId);
  }

  /** Every principal reported on, including those that may do nothing. */
  public List<PrincipalAccess> principals() {
    return principals;
  }

  /** The principal's entry, by ARN ("*" for anyone). */
  public Optional<PrincipalAccess> principal(String arn) {
    return principals.stream().filter(p -> p.principal().equals(arn)).findFirst();
  }

  /** Principals from outside the account and organization that may call something. */
  public List<PrincipalAccess> externalAccess() {
    return principals.stream()
        .filter(p -> p.exposure().external() && !p.operations().isEmpty())
        .toList();
  }

  /**
   * The report as text, JSON or SARIF 2.1.0 (one result per principal with external access).
   *
   * @param source the configuration file's name, for SARIF locations
   */
  public String render(ReportFormat format, String source) {
    return switch (format) {
      case TEXT -> text();
      case JSON -> json();
      case SARIF -> sarif(source);
    };
  }

  private String text() {
    StringBuilder out = new StringBuilder();
    out.append("Access report for ").append(keyArn).append(" (account ").append(keyAccount);
    organizationId().ifPresent(o -> out.append(", organization ").append(o));
    out.append(")\n");
    for (PrincipalAccess p : principals) {
      out.append('\n')
          .append(p.exposure().external() ? "EXTERNAL " : "")
          .append(p.principal().equals("*") ? "anyone (*)" : p.principal())
          .append(" [")
          .append(p.exposure().label())
          .append(p.described() ? "" : ", IAM policies not described: assumed to allow")
          .append("]\n");
      if (p.operations().isEmpty()) {
        out.append("  no access\n");
      }
      for (OperationAccess o : p.operations()) {
        out.append("  ").append(o.operation()).append(": ");
        if (o.access() == Access.ALLOWED) {
          out.append("allowed by ").append(o.decidedBy()).append('\n');
        } else {
          out.append("allowed when ").append(String.join("; or ", o.conditions())).append('\n');
        }
      }
    }
    long external = externalAccess().size();
    out.append('\n')
        .append(principals.stream().filter(p -> !p.operations().isEmpty()).count())
        .append(" principals have access; ")
        .append(external)
        .append(external == 1 ? " of them is" : " of them are")
        .append(" from outside the account")
        .append(organizationId != null ? " and organization" : "")
        .append(".\n");
    return out.toString();
  }

  private String json() {
    JsonOutput w = JsonOutput.pretty().beginObject();
    w.field("key", keyArn).field("keyAccount", keyAccount);
    w.name("organization").value(organizationId);
    w.name("principals").beginArray();
    for (PrincipalAccess p : principals) {
      w.beginObject()
          .field("principal", p.principal())
          .field("account", p.account())
          .field("exposure", p.exposure().label())
          .field("external", p.exposure().external())
          .field("described", p.described());
      w.name("operations").beginArray();
      for (OperationAccess o : p.operations()) {
        w.beginObject()
            .field("operation", o.operation())
            .field("access", o.access().name().toLowerCase(java.util.Locale.ROOT))
            .field("decidedBy", o.decidedBy())
            .name("conditions")
            .stringList(o.conditions())
            .endObject();
      }
      w.endArray().endObject();
    }
    w.endArray();
    w.field("externalPrincipals", externalAccess().size());
    return w.endObject().toString();
  }

  private String sarif(String source) {
    JsonOutput w = JsonOutput.pretty().beginObject();
    w.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json").field("version", "2.1.0");
    w.name("runs").beginArray().beginObject();
    w.name("tool").beginObject().name("driver").beginObject();
    w.field("name", "envelope-access-report");
    w.name("rules").beginArray();
    rule(
        w,
        "ENV-AR-001",
        "external-access",
        "error",
        "A principal outside the key's account and organization can use the key.");
    rule(w, "ENV-AR-002", "public-access", "error", "Any AWS principal can use the key.");
    w.endArray().endObject().endObject();
    w.name("results").beginArray();
    for (PrincipalAccess p : externalAccess()) {
      boolean pub = p.exposure() == Exposure.PUBLIC;
      Set<String> ops = new LinkedHashSet<>();
      p.operations()
          .forEach(
              o ->
                  ops.add(
                      o.operation()
                          + (o.access() == Access.CONDITIONAL ? " (under conditions)" : "")));
      w.beginObject()
          .field("ruleId", pub ? "ENV-AR-002" : "ENV-AR-001")
          .field("ruleIndex", pub ? 1 : 0)
          .field("level", "error");
      w.name("message")
          .beginObject()
          .field(
              "text",
              (pub ? "Any AWS principal" : p.principal() + " (account " + p.account() + ")")
                  + " can call "
                  + String.join(", ", ops)
                  + " on "
                  + keyArn
                  + ".")
          .endObject();
      w.name("locations").beginArray().beginObject();
      w.name("physicalLocation")
          .beginObject()
          .name("artifactLocation")
          .beginObject()
          .field("uri", source == null ? "config.json" : source.replace('\\', '/'))
          .endObject()
          .endObject();
      w.name("logicalLocations")
          .beginArray()
          .beginObject()
          .field("name", p.principal())
          .field("kind", "principal")
          .endObject()
          .endArray();
      w.endObject().endArray();
      w.name("properties")
          .beginObject()
          .field("key", keyArn)
          .field("principal", p.principal())
          .field("exposure", p.exposure().label())
          .endObject();
      w.endObject();
    }
    w.endArray();
    w.endObject().endArray();
    return w.endObject().toString();
  }

  private static void rule(JsonOutput w, String id, String name, String level, String text) {
    w.beginObject().field("id", id).field("name", name);
    w.name("shortDescription").beginObject().field("text", text).endObject();
    w.name("defaultConfiguration").beginObject().field("level", level).endObject();
    w.endObject();
  }
}
