package dev.envelope.aws.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One run of {@link AccessEvaluator#evaluate}; collects the explanation chain as it goes.
 *
 * <p>The order is the IAM User Guide's "Policy evaluation logic": an explicit Deny in any policy
 * (key policy, identity policies, SCPs, RCPs, permissions boundary, session policies) wins; then
 * SCPs must allow at every level of the caller's organization; then the key policy, identity
 * policies and grants allow, each as far as the boundary and session policies let it.
 */
final class Evaluation {
  private static final String NO_ALLOW = "no statement allows";

  /** A statement found in some layer. */
  record Found(PolicyLayer layer, String label) {}

  /** Why no policy path allowed: the layer that stopped it and the smallest change. */
  private record Miss(PolicyLayer layer, String remedy) {}

  private final AccessRequest request;
  private final PolicyDocument keyPolicy;
  private final CallerPolicies policies;
  private final List<PolicyDocument> iamPolicies;
  private final List<Grant> grants;
  private final Organization org;
  private final RequestContext ctx;
  private final CallerIdentity caller;
  private final List<String> chain = new ArrayList<>();
  private String grantMiss;
  private String grantMissRemedy;
  private String conditionMiss;
  private final List<String> unmet = new ArrayList<>();

  Evaluation(
      AccessRequest request,
      PolicyDocument keyPolicy,
      CallerPolicies policies,
      List<Grant> grants,
      Organization org) {
    this.request = request;
    this.keyPolicy = keyPolicy;
    this.policies = policies;
    this.iamPolicies = policies.identityPolicies();
    this.grants = grants;
    this.org = org;
    this.ctx = RequestContext.of(request, org);
    this.caller = request.caller();
  }

  List<String> chain() {
    return chain;
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
    describeOrganization();

    // 1. Explicit deny anywhere wins, before any allow is considered (grants included).
    Optional<Found> deny = keyPolicyDeny().or(this::iamDeny).or(this::guardrailDeny);
    if (deny.isPresent()) {
      chain.add(
          "explicit Deny by "
              + deny.get().label()
              + "; it overrides every allow (policies and grants)");
      return decide(
          Effect.EXPLICIT_DENY,
          deny.get().label(),
          deny.get().layer(),
          "remove "
              + deny.get().label()
              + ", or narrow its Action, Resource or Condition so that it no longer matches this"
              + " request");
    }
    chain.add("no Deny statement applies in " + layersConsidered());

    // 2. SCPs: some attached SCP must allow at every level from the root to the account.
    Optional<AccessDecision> scp = scpAllowCheck();
    if (scp.isPresent()) {
      return scp.get();
    }

    // 3. Key policy, and IAM policies where the key policy lets them count, within the limits of
    // the boundary and the session policies.
    KeyPolicyAllow kp = keyPolicyAllow();
    Optional<String> iam = iamAllow();
    Optional<Found> limit = limitingLayer();
    Miss[] miss = new Miss[1];
    Optional<AccessDecision> viaPolicies =
        request.crossAccount()
            ? crossAccount(kp, iam, limit, miss)
            : sameAccount(kp, iam, limit, miss);
    if (viaPolicies.isPresent()) {
      return viaPolicies.get();
    }

    String policyReason = chain.get(chain.size() - 1);

    // 4. Grants add access for their operations, independently of the key policy.
    Optional<String> grant = grantAllow(iam.isPresent() && limit.isEmpty(), limit);
    if (grant.isPresent()) {
      return decide(Effect.ALLOW, grant.get(), PolicyLayer.GRANT, null);
    }
    // Prefer the grant's reason when a grant named the caller but did not fit: it is the closer
    // miss.
    if (grantMiss != null) {
      return decide(
          Effect.IMPLICIT_DENY, NO_ALLOW + ": " + grantMiss, PolicyLayer.GRANT, grantMissRemedy);
    }
    return decide(
        Effect.IMPLICIT_DENY, NO_ALLOW + ": " + policyReason, miss[0].layer(), miss[0].remedy());
  }

  // ---- organization ------------------------------------------------------------------------

  /** SCPs limit principals of member accounts, except service-linked roles. */
  private boolean scpsApply() {
    return org != null
        && org.isMember(caller.accountId())
        && !Principals.isServiceLinkedRole(caller);
  }

  /**
   * RCPs limit access to resources of member accounts, except by service-linked roles, and never
   * kms:RetireGrant ("Resource control policies in AWS KMS"); only operations on a key have a key
   * as their resource.
   */
  private boolean rcpsApply() {
    return org != null
        && org.isMember(request.keyAccountId())
        && !Principals.isServiceLinkedRole(caller)
        && request.permission().filter(KmsOperation::onKey).isPresent()
        && !request.operation().equals(KmsOperation.RETIRE_GRANT.operationName());
  }

  private void describeOrganization() {
    if (org == null) {
      return;
    }
    String account = caller.accountId();
    if (Principals.isServiceLinkedRole(caller)) {
      chain.add("organization " + org.id() + ": a service-linked role; SCPs and RCPs do not apply");
      return;
    }
    if (scpsApply()) {
      chain.add(
          "organization "
              + org.id()
              + ": account "
              + account
              + " is a member; its SCPs apply to the caller");
    } else if (org.contains(account)) {
      chain.add(
          "organization "
              + org.id()
              + ": account "
              + account
              + " is the management account; SCPs do not apply to its principals");
    } else {
      chain.add(
          "organization " + org.id() + ": account " + account + " is outside it; no SCPs apply");
    }
    if (rcpsApply()) {
      chain.add("the key's account " + request.keyAccountId() + " is a member; its RCPs apply");
    }
  }

  private String layersConsidered() {
    List<String> layers = new ArrayList<>();
    if (keyPolicy != null) {
      layers.add("the key policy");
    }
    layers.add("the caller's IAM policies");
    if (scpsApply()) {
      layers.add("SCPs");
    }
    if (rcpsApply()) {
      layers.add("RCPs");
    }
    if (boundaryApplies()) {
      layers.add("the permissions boundary");
    }
    if (sessionPoliciesApply()) {
      layers.add("the session policies");
    }
    return String.join(", ", layers);
  }

  /** Deny statements of the SCPs, RCPs, permissions boundary and session policies. */
  Optional<Found> guardrailDeny() {
    if (scpsApply()) {
      for (String level : org.levels(caller.accountId())) {
        for (Organization.AttachedPolicy p : Organization.at(org.scps(), level)) {
          Optional<Statement> s = matching(p.policy(), StatementEffect.DENY, false);
          if (s.isPresent()) {
            return Optional.of(
                new Found(
                    PolicyLayer.SCP,
                    "SCP '" + p.name() + "' (attached to " + level + ") " + s.get().label()));
          }
        }
      }
    }
    if (rcpsApply()) {
      for (String level : org.levels(request.keyAccountId())) {
        for (Organization.AttachedPolicy p : Organization.at(org.rcps(), level)) {
          Optional<Statement> s = matching(p.policy(), StatementEffect.DENY, true);
          if (s.isPresent()) {
            return Optional.of(
                new Found(
                    PolicyLayer.RCP,
                    "RCP '" + p.name() + "' (attached to " + level + ") " + s.get().label()));
          }
        }
      }
    }
    if (boundaryApplies()) {
      PolicyDocument b = policies.permissionsBoundary().orElseThrow();
      Optional<Statement> s = matching(b, StatementEffect.DENY, false);
      if (s.isPresent()) {
        return Optional.of(
            new Found(PolicyLayer.PERMISSIONS_BOUNDARY, boundaryName(b) + " " + s.get().label()));
      }
    }
    if (sessionPoliciesApply()) {
      for (PolicyDocument p : policies.sessionPolicies()) {
        Optional<Statement> s = matching(p, StatementEffect.DENY, false);
        if (s.isPresent()) {
          return Optional.of(
              new Found(PolicyLayer.SESSION_POLICY, sessionName(p) + " " + s.get().label()));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The first SCP level without an applicable Allow, as a decision; empty if every level allows.
   */
  Optional<AccessDecision> scpAllowCheck() {
    if (!scpsApply()) {
      return Optional.empty();
    }
    if (org.fullAwsAccess()) {
      chain.add("SCPs: FullAWSAccess is attached at every level, so SCPs allow the action");
      return Optional.empty();
    }
    for (String level : org.levels(caller.accountId())) {
      boolean allowed = false;
      for (Organization.AttachedPolicy p : Organization.at(org.scps(), level)) {
        if (matching(p.policy(), StatementEffect.ALLOW, false).isPresent()) {
          allowed = true;
          chain.add(
              "SCP '" + p.name() + "' (attached to " + level + ") allows " + request.action());
          break;
        }
      }
      if (!allowed) {
        String reason =
            "no service control policy attached to " + level + " allows " + request.action();
        chain.add(reason + "; SCPs must allow at every level from the root to the account");
        return Optional.of(
            decide(
                Effect.IMPLICIT_DENY,
                NO_ALLOW + ": " + reason,
                PolicyLayer.SCP,
                "attach to "
                    + level
                    + " an SCP with {\"Effect\":\"Allow\",\"Action\":\""
                    + request.action()
                    + "\",\"Resource\":\"*\"} (or reattach FullAWSAccess)"));
      }
    }
    return Optional.empty();
  }

  private boolean boundaryApplies() {
    return policies.permissionsBoundary().isPresent() && !caller.isRoot();
  }

  /** Session policies limit sessions only: assumed-role and federated-user callers. */
  private boolean sessionPoliciesApply() {
    String type = caller.principalType();
    return !policies.sessionPolicies().isEmpty()
        && (type.equals("AssumedRole") || type.equals("FederatedUser"));
  }

  /**
   * The layer that implicitly denies what identity policies and role-named resource policies allow:
   * a permissions boundary without an applicable Allow, then session policies without one.
   */
  private Optional<Found> limitingLayer() {
    if (boundaryApplies()) {
      PolicyDocument b = policies.permissionsBoundary().orElseThrow();
      if (matching(b, StatementEffect.ALLOW, false).isEmpty()) {
        chain.add(
            "the permissions boundary "
                + boundaryName(b)
                + " does not allow "
                + request.action()
                + " on the key: it limits identity policies and key policy statements that name"
                + " the role or everyone");
        return Optional.of(new Found(PolicyLayer.PERMISSIONS_BOUNDARY, boundaryName(b)));
      }
      chain.add("the permissions boundary " + boundaryName(b) + " allows " + request.action());
    }
    if (sessionPoliciesApply()) {
      boolean allowed =
          policies.sessionPolicies().stream()
              .anyMatch(p -> matching(p, StatementEffect.ALLOW, false).isPresent());
      if (!allowed) {
        chain.add(
            "no session policy of the session allows "
                + request.action()
                + " on the key: they limit identity policies and key policy statements that name"
                + " the role or everyone");
        return Optional.of(new Found(PolicyLayer.SESSION_POLICY, "the session policies"));
      }
      chain.add("a session policy allows " + request.action());
    }
    return Optional.empty();
  }

  private static String boundaryName(PolicyDocument b) {
    return "permissions boundary " + b.name().map(n -> "'" + n + "'").orElse("policy");
  }

  private static String sessionName(PolicyDocument p) {
    return "session policy " + p.name().map(n -> "'" + n + "'").orElse("");
  }

  /** The first statement of this effect that applies to the request, conditions included. */
  private Optional<Statement> matching(
      PolicyDocument p, StatementEffect effect, boolean principal) {
    for (Statement s : p.statements()) {
      if (s.effect() != effect || !appliesToRequest(s)) {
        continue;
      }
      if (principal && !Principals.forDeny(s, caller)) {
        continue;
      }
      if (s.firstFailingCondition(ctx).isEmpty()) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  // ---- key policy -------------------------------------------------------------------------

  private Optional<Found> keyPolicyDeny() {
    if (keyPolicy == null) {
      return Optional.empty();
    }
    for (Statement s : keyPolicy.statements()) {
      if (s.effect() != StatementEffect.DENY || !appliesToRequest(s)) {
        continue;
      }
      if (!Principals.forDeny(s, caller)) {
        continue;
      }
      Optional<Condition> failed = s.firstFailingCondition(ctx);
      if (failed.isEmpty()) {
        return Optional.of(new Found(PolicyLayer.KEY_POLICY, "key policy " + s.label()));
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

  /**
   * What the key policy's Allow statements say about this caller: a statement naming the caller
   * itself (no boundary or session policy limits it), one naming its role or everyone (they do),
   * and one naming its account (IAM decides).
   */
  private record KeyPolicyAllow(Statement unlimited, Statement limited, Statement account) {
    Statement direct() {
      return unlimited != null ? unlimited : limited;
    }

    boolean any() {
      return direct() != null || account != null;
    }

    Statement first() {
      return direct() != null ? direct() : account;
    }
  }

  private KeyPolicyAllow keyPolicyAllow() {
    Statement unlimited = null;
    Statement limited = null;
    Statement account = null;
    for (Statement s : keyPolicy.statements()) {
      if (s.effect() != StatementEffect.ALLOW || !appliesToRequest(s)) {
        continue;
      }
      Principals.Named n = Principals.named(s, caller);
      if (n == Principals.Named.NONE) {
        continue;
      }
      Optional<Condition> failed = s.firstFailingCondition(ctx);
      if (failed.isPresent()) {
        chain.add(
            "key policy "
                + s.label()
                + " names the caller"
                + (n == Principals.Named.ACCOUNT ? "'s account" : "")
                + " but its condition "
                + failed.get()
                + " is not met");
        if (identityConditionsHold(s)) {
          unmet.add("key policy " + s.label() + ": " + conditionsText(s));
        }
        if (conditionMiss == null) {
          conditionMiss =
              "make the request satisfy the condition "
                  + failed.get()
                  + " of key policy "
                  + s.label()
                  + ", or relax that condition";
        }
        continue;
      }
      switch (n) {
        case IDENTITY -> unlimited = unlimited == null ? s : unlimited;
        case ROLE, ANYONE -> limited = limited == null ? s : limited;
        case ACCOUNT -> account = account == null ? s : account;
        default -> {}
      }
    }
    return new KeyPolicyAllow(unlimited, limited, account);
  }

  // ---- IAM policies -----------------------------------------------------------------------

  private Optional<Found> iamDeny() {
    for (int i = 0; i < iamPolicies.size(); i++) {
      PolicyDocument p = iamPolicies.get(i);
      for (Statement s : p.statements()) {
        if (s.effect() != StatementEffect.DENY || !appliesToRequest(s)) {
          continue;
        }
        Optional<Condition> failed = s.firstFailingCondition(ctx);
        if (failed.isEmpty()) {
          return Optional.of(new Found(PolicyLayer.IDENTITY_POLICY, iamLabel(i, p, s)));
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
        if (identityConditionsHold(s)) {
          unmet.add(iamLabel(i, p, s) + ": " + conditionsText(s));
        }
      }
    }
    return Optional.empty();
  }

  private static String iamLabel(int i, PolicyDocument p, Statement s) {
    return "IAM policy " + p.name().map(n -> "'" + n + "'").orElse("#" + i) + " " + s.label();
  }

  // ---- combining key policy and IAM -------------------------------------------------------

  private Optional<AccessDecision> sameAccount(
      KeyPolicyAllow kp, Optional<String> iam, Optional<Found> limit, Miss[] miss) {
    if (kp.unlimited() != null) {
      String by = "key policy " + kp.unlimited().label();
      chain.add(
          by
              + " allows the caller directly"
              + (limit.isPresent()
                  ? " (it names the caller itself, which no " + limit.get().layer() + " limits)"
                  : ""));
      return Optional.of(decide(Effect.ALLOW, by, PolicyLayer.KEY_POLICY, null));
    }
    if (kp.limited() != null) {
      String by = "key policy " + kp.limited().label();
      if (limit.isEmpty()) {
        chain.add(by + " allows the caller directly");
        return Optional.of(decide(Effect.ALLOW, by, PolicyLayer.KEY_POLICY, null));
      }
      chain.add(
          by
              + " names the caller's role (or everyone), but the "
              + limit.get().layer()
              + " does not allow "
              + request.action());
    }
    if (kp.account() != null) {
      chain.add(
          "key policy "
              + kp.account().label()
              + " allows account "
              + caller.accountId()
              + ": the key policy delegates to the account's IAM policies");
      if (iam.isPresent() && limit.isEmpty()) {
        chain.add(iam.get() + " allows " + request.action() + " on the key");
        return Optional.of(decide(Effect.ALLOW, iam.get(), PolicyLayer.IDENTITY_POLICY, null));
      }
      if (iam.isPresent()) {
        chain.add(
            iam.get()
                + " allows "
                + request.action()
                + ", but the "
                + limit.get().layer()
                + " does not");
        miss[0] = limitMiss(limit.get());
        return Optional.empty();
      }
      chain.add("no IAM policy of the caller allows " + request.action() + " on the key");
      miss[0] =
          conditionMiss != null
              ? new Miss(PolicyLayer.IDENTITY_POLICY, identityRemedy() + "; or " + conditionMiss)
              : new Miss(PolicyLayer.IDENTITY_POLICY, identityRemedy());
      return Optional.empty();
    }
    if (kp.limited() != null) {
      chain.add(
          "the key policy names the caller's role (or everyone), and the "
              + limit.get().layer()
              + " limits it");
      miss[0] = limitMiss(limit.get());
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
    miss[0] = new Miss(PolicyLayer.KEY_POLICY, keyPolicyRemedy());
    return Optional.empty();
  }

  private Optional<AccessDecision> crossAccount(
      KeyPolicyAllow kp, Optional<String> iam, Optional<Found> limit, Miss[] miss) {
    if (request.permission().filter(KmsOperation::crossAccount).isEmpty()) {
      chain.add(
          request.action()
              + " cannot be called on a key in another account;"
              + " cross-account permissions for it have no effect");
      miss[0] =
          new Miss(
              PolicyLayer.KEY_POLICY,
              "call " + request.action() + " as a principal of account " + request.keyAccountId());
      return Optional.empty();
    }
    boolean iamSide = caller.isRoot() || (iam.isPresent() && limit.isEmpty());
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
    if (caller.isRoot()) {
      chain.add(
          "caller side: the root user of account " + caller.accountId() + " needs no IAM policy");
    } else if (iam.isPresent() && limit.isEmpty()) {
      chain.add("caller side: " + iam.get() + " allows " + request.action() + " on the key");
    } else if (iam.isPresent()) {
      chain.add(
          "caller side limited: "
              + iam.get()
              + " allows "
              + request.action()
              + ", but the "
              + limit.get().layer()
              + " does not");
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
      return Optional.of(decide(Effect.ALLOW, by, PolicyLayer.KEY_POLICY, null));
    }
    chain.add(
        "cross-account access needs both the key policy and the caller's IAM policy; "
            + (kp.any()
                ? "the caller's IAM policy is missing"
                : iamSide ? "the key policy side is missing" : "both sides are missing"));
    if (!kp.any()) {
      String keySide = keyPolicyRemedy();
      miss[0] =
          new Miss(
              PolicyLayer.KEY_POLICY,
              iamSide
                  ? keySide
                  : keySide
                      + "; and "
                      + (iam.isPresent() ? limitMiss(limit.get()).remedy() : identityRemedy()));
    } else if (iam.isPresent()) {
      miss[0] = limitMiss(limit.get());
    } else {
      miss[0] = new Miss(PolicyLayer.IDENTITY_POLICY, identityRemedy());
    }
    return Optional.empty();
  }

  // ---- remedies -----------------------------------------------------------------------------

  private String identityRemedy() {
    return "attach to "
        + caller.principalArn()
        + " an identity policy with {\"Effect\":\"Allow\",\"Action\":\""
        + request.action()
        + "\",\"Resource\":\""
        + request.keyArn()
        + "\"}";
  }

  private String keyPolicyRemedy() {
    if (conditionMiss != null) {
      return conditionMiss;
    }
    return "add to the key policy {\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
        + caller.principalArn()
        + "\"},\"Action\":\""
        + request.action()
        + "\",\"Resource\":\"*\"}";
  }

  private Miss limitMiss(Found limit) {
    String allow =
        "{\"Effect\":\"Allow\",\"Action\":\""
            + request.action()
            + "\",\"Resource\":\""
            + request.keyArn()
            + "\"}";
    return limit.layer() == PolicyLayer.PERMISSIONS_BOUNDARY
        ? new Miss(limit.layer(), "add " + allow + " to the " + limit.label())
        : new Miss(
            limit.layer(),
            "start the session with a session policy that includes "
                + allow
                + ", or with no session policy");
  }

  // ---- grants -----------------------------------------------------------------------------

  private Optional<String> grantAllow(boolean identityAllows, Optional<Found> limit) {
    int considered = 0;
    for (Grant g : grants) {
      // decidedBy names the grant by id only (stable for callers); the chain also gives its name.
      String label = "grant " + g.grantId();
      String described = label + (g.name() != null ? " ('" + g.name() + "')" : "");
      if (g.keyArn() != null && !g.keyArn().equals(request.keyArn())) {
        continue;
      }
      Principals.Named n = granteeNames(g);
      if (n == Principals.Named.NONE
          || (n == Principals.Named.ACCOUNT && !identityAllows && !caller.isRoot())) {
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
        grantMissRemedy =
            "create a grant for "
                + g.granteePrincipal()
                + " that includes "
                + request.operation()
                + " (grants cannot be changed)";
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
        unmet.add(
            label
                + ": encryption context "
                + (g.encryptionContextEquals().isEmpty()
                    ? "includes " + new TreeMap<>(g.encryptionContextSubset())
                    : "equals " + new TreeMap<>(g.encryptionContextEquals())));
        grantMissRemedy =
            "send the encryption context the grant's constraint requires: "
                + (g.encryptionContextEquals().isEmpty()
                    ? "include " + new TreeMap<>(g.encryptionContextSubset())
                    : "exactly " + new TreeMap<>(g.encryptionContextEquals()));
        chain.add(grantMiss);
        continue;
      }
      if (n == Principals.Named.ROLE && limit.isPresent()) {
        grantMiss =
            described
                + " names the caller's role, which the "
                + limit.get().layer()
                + " limits: it does not allow "
                + request.action();
        grantMissRemedy = limitMiss(limit.get()).remedy();
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

  /**
   * How a grant's grantee names the caller: its own ARN (IDENTITY), its role (ROLE, limited like a
   * key policy naming the role), or its account (ACCOUNT: the root user, or identities whose IAM
   * policies allow the operation, as with a key policy naming the account).
   */
  private Principals.Named granteeNames(Grant g) {
    String grantee = g.granteePrincipal();
    if (grantee.equals(caller.arn())) {
      return caller.principalType().equals("Role")
          ? Principals.Named.ROLE
          : Principals.Named.IDENTITY;
    }
    if (grantee.equals(caller.principalArn()) || Principals.namesIdentity(grantee, caller)) {
      return Principals.Named.ROLE;
    }
    Optional<String> account = Principals.accountOf(grantee);
    if (account.isPresent() && account.get().equals(caller.accountId())) {
      return caller.isRoot() ? Principals.Named.IDENTITY : Principals.Named.ACCOUNT;
    }
    return Principals.Named.NONE;
  }

  private boolean constraintsApply() {
    return request.permission().filter(KmsOperation::takesEncryptionContext).isPresent();
  }

  /**
   * Checks EncryptionContextEquals/Subset. The KMS API reference, GrantConstraints: "in a grant
   * constraint, the key in each key-value pair is not case sensitive, but the value is case
   * sensitive"; constraints apply only to operations that take an encryption context.
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

  private AccessDecision decide(Effect effect, String decidedBy, PolicyLayer layer, String remedy) {
    chain.add("decision: " + effect + " (" + decidedBy + ")");
    return new AccessDecision(
        effect,
        decidedBy,
        chain,
        layer,
        effect == Effect.ALLOW ? null : remedy,
        effect == Effect.ALLOW ? List.of() : unmet);
  }

  /** Whether the conditions on who the caller is hold: only then can the request meet the rest. */
  private boolean identityConditionsHold(Statement s) {
    return s.conditions().stream()
        .filter(Condition::identifiesPrincipal)
        .allMatch(c -> c.test(ctx, s.effect()));
  }

  private static String conditionsText(Statement s) {
    return String.join(" AND ", s.conditions().stream().map(Condition::toString).toList());
  }
}
