package dev.envelope.aws.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** One run of {@link AccessEvaluator#evaluate}; collects the explanation chain as it goes. */
final class Evaluation {
  private static final String NO_ALLOW = "no statement allows";

  private final AccessRequest request;
  private final PolicyDocument keyPolicy;
  private final List<PolicyDocument> iamPolicies;
  private final List<Grant> grants;
  private final RequestContext ctx;
  private final CallerIdentity caller;
  private final List<String> chain = new ArrayList<>();
  private String grantMiss;

  Evaluation(
      AccessRequest request,
      PolicyDocument keyPolicy,
      List<PolicyDocument> iamPolicies,
      List<Grant> grants) {
    this.request = request;
    this.keyPolicy = keyPolicy;
    this.iamPolicies = iamPolicies;
    this.grants = grants;
    this.ctx = RequestContext.of(request);
    this.caller = request.caller();
  }

  AccessDecision run() {
    chain.add(
        "request: "
            + caller.arn()
            + " calls "
            + request.action()
            + " on "
            + request.keyArn()
            + (request.crossAccount()
                ? " (cross-account: caller account "
                    + caller.accountId()
                    + ", key account "
                    + request.keyAccountId()
                    + ")"
                : " (same account " + caller.accountId() + ")")
            + (request.grantTokensPresented() ? "; grant tokens presented" : ""));

    // 1. Explicit deny anywhere wins, before any allow is considered (grants included).
    Optional<String> deny = keyPolicyDeny().or(this::iamDeny);
    if (deny.isPresent()) {
      chain.add(
          "explicit Deny by " + deny.get() + "; it overrides every allow (policies and grants)");
      return decide(Effect.EXPLICIT_DENY, deny.get());
    }
    chain.add("no Deny statement applies in the key policy or the caller's IAM policies");

    // 2. Key policy, and IAM policies where the key policy lets them count.
    KeyPolicyAllow kp = keyPolicyAllow();
    Optional<String> iam = iamAllow();
    Optional<AccessDecision> viaPolicies =
        request.crossAccount() ? crossAccount(kp, iam) : sameAccount(kp, iam);
    if (viaPolicies.isPresent()) {
      return viaPolicies.get();
    }

    String policyReason = chain.get(chain.size() - 1);

    // 3. Grants add access for their operations, independently of the policies.
    Optional<String> grant = grantAllow(iam.isPresent());
    if (grant.isPresent()) {
      return decide(Effect.ALLOW, grant.get());
    }
    // Prefer the grant's reason when a grant named the caller but did not fit: it is the closer
    // miss.
    String reason = grantMiss != null ? grantMiss : policyReason;
    return decide(Effect.IMPLICIT_DENY, NO_ALLOW + ": " + reason);
  }

  // ---- key policy -------------------------------------------------------------------------

  private Optional<String> keyPolicyDeny() {
    for (Statement s : keyPolicy.statements()) {
      if (s.effect() != StatementEffect.DENY || !appliesToRequest(s)) {
        continue;
      }
      if (!Principals.forDeny(s, caller)) {
        continue;
      }
      Optional<Condition> failed = s.firstFailingCondition(ctx);
      if (failed.isEmpty()) {
        return Optional.of("key policy " + s.label());
      }
      chain.add(
          "key policy "
              + s.label()
              + " (Deny) does not apply: condition "
              + failed.get()
              + " is not met");
    }
    return Optional.empty();
  }

  /** What the key policy's Allow statements say about this caller. */
  private record KeyPolicyAllow(Statement direct, Statement account) {
    boolean any() {
      return direct != null || account != null;
    }

    Statement first() {
      return direct != null ? direct : account;
    }
  }

  private KeyPolicyAllow keyPolicyAllow() {
    Statement direct = null;
    Statement account = null;
    for (Statement s : keyPolicy.statements()) {
      if (s.effect() != StatementEffect.ALLOW || !appliesToRequest(s)) {
        continue;
      }
      Principals.Match m = Principals.forAllow(s, caller);
      if (m == Principals.Match.NONE) {
        continue;
      }
      Optional<Condition> failed = s.firstFailingCondition(ctx);
      if (failed.isPresent()) {
        chain.add(
            "key policy "
                + s.label()
                + " names the caller"
                + (m == Principals.Match.ACCOUNT ? "'s account" : "")
                + " but its condition "
                + failed.get()
                + " is not met");
        continue;
      }
      if (m == Principals.Match.DIRECT && direct == null) {
        direct = s;
      } else if (m == Principals.Match.ACCOUNT && account == null) {
        account = s;
      }
    }
    return new KeyPolicyAllow(direct, account);
  }

  // ---- IAM policies -----------------------------------------------------------------------

  private Optional<String> iamDeny() {
    for (int i = 0; i < iamPolicies.size(); i++) {
      PolicyDocument p = iamPolicies.get(i);
      for (Statement s : p.statements()) {
        if (s.effect() != StatementEffect.DENY || !appliesToRequest(s)) {
          continue;
        }
        Optional<Condition> failed = s.firstFailingCondition(ctx);
        if (failed.isEmpty()) {
          return Optional.of(iamLabel(i, p, s));
        }
        chain.add(
            iamLabel(i, p, s)
                + " (Deny) does not apply: condition "
                + failed.get()
                + " is not met");
      }
    }
    return Optional.empty();
  }

  private Optional<String> iamAllow() {
    for (int i = 0; i < iamPolicies.size(); i++) {
      PolicyDocument p = iamPolicies.get(i);
      for (Statement s : p.statements()) {
        if (s.effect() != StatementEffect.ALLOW || !appliesToRequest(s)) {
          continue;
        }
        Optional<Condition> failed = s.firstFailingCondition(ctx);
        if (failed.isEmpty()) {
          return Optional.of(iamLabel(i, p, s));
        }
        chain.add(
            iamLabel(i, p, s) + " would allow but its condition " + failed.get() + " is not met");
      }
    }
    return Optional.empty();
  }

  private static String iamLabel(int i, PolicyDocument p, Statement s) {
    return "IAM policy " + p.name().map(n -> "'" + n + "'").orElse("#" + i) + " " + s.label();
  }

  // ---- combining key policy and IAM -------------------------------------------------------

  private Optional<AccessDecision> sameAccount(KeyPolicyAllow kp, Optional<String> iam) {
    if (kp.direct() != null) {
      String by = "key policy " + kp.direct().label();
      chain.add(by + " allows the caller directly");
      return Optional.of(decide(Effect.ALLOW, by));
    }
    if (kp.account() != null) {
      chain.add(
          "key policy "
              + kp.account().label()
              + " allows account "
              + caller.accountId()
              + ": the key policy delegates to the account's IAM policies");
      if (iam.isPresent()) {
        chain.add(iam.get() + " allows " + request.action() + " on the key");
        return Optional.of(decide(Effect.ALLOW, iam.get()));
      }
      chain.add("no IAM policy of the caller allows " + request.action() + " on the key");
      return Optional.empty();
    }
    if (iam.isPresent()) {
      chain.add(
          iam.get()
              + " allows "
              + request.action()
              + ", but the key policy neither allows"
              + " the caller nor delegates to account "
              + caller.accountId()
              + " (no root-principal statement), so IAM policies do not count");
    } else {
      chain.add(
          "the key policy neither allows the caller nor delegates to account "
              + caller.accountId()
              + ", and no IAM policy allows "
              + request.action());
    }
    return Optional.empty();
  }

  private Optional<AccessDecision> crossAccount(KeyPolicyAllow kp, Optional<String> iam) {
    if (request.permission().filter(KmsOperation::crossAccount).isEmpty()) {
      chain.add(
          request.action()
              + " cannot be called on a key in another account;"
              + " cross-account permissions for it have no effect");
      return Optional.empty();
    }
    boolean iamSide = iam.isPresent() || caller.isRoot();
    if (kp.any()) {
      Statement s = kp.first();
      chain.add(
          "key side: key policy "
              + s.label()
              + " allows "
              + (kp.direct() != null ? "the caller" : "account " + caller.accountId()));
    } else {
      chain.add(
          "key side missing: the key policy of account "
              + request.keyAccountId()
              + " names neither account "
              + caller.accountId()
              + " nor the caller");
    }
    if (iam.isPresent()) {
      chain.add("caller side: " + iam.get() + " allows " + request.action() + " on the key");
    } else if (caller.isRoot()) {
      chain.add(
          "caller side: the root user of account " + caller.accountId() + " needs no IAM policy");
    } else {
      chain.add(
          "caller side missing: no IAM policy in account "
              + caller.accountId()
              + " allows "
              + request.action()
              + " on "
              + request.keyArn());
    }
    if (kp.any() && iamSide) {
      String by =
          "key policy "
              + kp.first().label()
              + " and "
              + iam.orElse("the root user of account " + caller.accountId());
      chain.add(
          "cross-account access allowed: both the key policy and the caller's account allow it");
      return Optional.of(decide(Effect.ALLOW, by));
    }
    chain.add(
        "cross-account access needs both the key policy and the caller's IAM policy; "
            + (kp.any()
                ? "the caller's IAM policy is missing"
                : iamSide ? "the key policy side is missing" : "both sides are missing"));
    return Optional.empty();
  }

  // ---- grants -----------------------------------------------------------------------------

  private Optional<String> grantAllow(boolean iamAllows) {
    int considered = 0;
    for (Grant g : grants) {
      // decidedBy names the grant by id only (stable for callers); the chain also gives its name.
      String label = "grant " + g.grantId();
      String described = label + (g.name() != null ? " ('" + g.name() + "')" : "");
      if (g.keyArn() != null && !g.keyArn().equals(request.keyArn())) {
        continue;
      }
      if (!granteeCovers(g, iamAllows)) {
        continue;
      }
      considered++;
      if (g.operations().stream().noneMatch(o -> o.equalsIgnoreCase(request.operation()))) {
        grantMiss =
            described
                + " names the caller but does not include "
                + request.operation()
                + " (it allows "
                + new TreeSet<>(g.operations())
                + ")";
        chain.add(grantMiss);
        continue;
      }
      Optional<String> failed = failedConstraint(g);
      if (failed.isPresent()) {
        grantMiss =
            described
                + " names the caller for "
                + request.operation()
                + " but its constraint "
                + failed.get();
        chain.add(grantMiss);
        continue;
      }
      chain.add(
          described
              + " allows "
              + request.operation()
              + " for "
              + g.granteePrincipal()
              + (g.hasConstraints() && constraintsApply()
                  ? " (encryption-context constraint met)"
                  : ""));
      return Optional.of(label);
    }
    if (considered == 0) {
      chain.add("no grant on the key names the caller");
    }
    return Optional.empty();
  }

  private boolean granteeCovers(Grant g, boolean iamAllows) {
    String grantee = g.granteePrincipal();
    if (grantee.equals(caller.principalArn()) || Principals.namesIdentity(grantee, caller)) {
      return true;
    }
    // A grant to an account covers its root user; other identities in the account get it
    // only if their IAM policies allow the operation, as with a key policy naming the account.
    Optional<String> account = Principals.accountOf(grantee);
    return account.isPresent()
        && account.get().equals(caller.accountId())
        && (caller.isRoot() || iamAllows);
  }

  private boolean constraintsApply() {
    return request.permission().filter(KmsOperation::takesEncryptionContext).isPresent();
  }

  /**
   * Checks EncryptionContextEquals/Subset. KMS compares constraint keys case-insensitively and
   * values case-sensitively, and applies constraints only to operations that take a context.
   */
  private Optional<String> failedConstraint(Grant g) {
    if (!g.hasConstraints() || !constraintsApply()) {
      return Optional.empty();
    }
    Map<String, String> ec = request.encryptionContext();
    if (!g.encryptionContextEquals().isEmpty()) {
      boolean ok =
          ec.size() == g.encryptionContextEquals().size()
              && g.encryptionContextEquals().entrySet().stream()
                  .allMatch(e -> containsPair(ec, e.getKey(), e.getValue()));
      if (!ok) {
        return Optional.of(
            "EncryptionContextEquals "
                + new TreeMap<>(g.encryptionContextEquals())
                + " is not satisfied by the request's encryption context "
                + new TreeMap<>(ec));
      }
    }
    if (!g.encryptionContextSubset().isEmpty()) {
      for (Map.Entry<String, String> e : g.encryptionContextSubset().entrySet()) {
        if (!containsPair(ec, e.getKey(), e.getValue())) {
          return Optional.of(
              "EncryptionContextSubset "
                  + new TreeMap<>(g.encryptionContextSubset())
                  + " is not satisfied: the request's encryption context "
                  + new TreeMap<>(ec)
                  + " lacks "
                  + e.getKey()
                  + "="
                  + e.getValue());
        }
      }
    }
    return Optional.empty();
  }

  private static boolean containsPair(Map<String, String> ec, String key, String value) {
    return ec.entrySet().stream()
        .anyMatch(e -> e.getKey().equalsIgnoreCase(key) && e.getValue().equals(value));
  }

  // ---- helpers ----------------------------------------------------------------------------

  private boolean appliesToRequest(Statement s) {
    return s.matchesAction(request.action()) && s.matchesResource(request.keyArn(), ctx);
  }

  private AccessDecision decide(Effect effect, String decidedBy) {
    chain.add("decision: " + effect + " (" + decidedBy + ")");
    return new AccessDecision(effect, decidedBy, chain);
  }
}
