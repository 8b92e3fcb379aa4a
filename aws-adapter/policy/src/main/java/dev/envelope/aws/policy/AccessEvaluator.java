package dev.envelope.aws.policy;

import java.util.List;
import java.util.Objects;

/**
 * Decides whether KMS would allow a request, the way KMS documents its authorization:
 *
 * <ol>
 *   <li>An explicit Deny in the key policy or in any of the caller's IAM policies wins over every
 *       allow, grants included.
 *   <li>The key policy is the root of trust. A statement naming the caller (or {@code *}) allows
 *       same-account callers by itself. A statement naming the caller's account ({@code
 *       arn:aws:iam::ACCOUNT:root} or {@code ACCOUNT}) enables IAM: the caller's IAM policies then
 *       decide. Without such a statement, IAM policies grant nothing.
 *   <li>Cross-account callers need both sides: the key policy must name their account or them, and
 *       their own IAM policies must allow the action on the key (the root user of the other account
 *       needs no IAM policy). Only operations KMS allows cross-account qualify.
 *   <li>Grants on the key allow their grantee the grant's operations, subject to the grant's
 *       encryption-context constraints, independently of IAM policies.
 *   <li>The rest of the IAM chain (IAM User Guide, "Policy evaluation logic"): SCPs of the caller's
 *       organization must allow and may deny, RCPs of the key's organization may deny, a
 *       permissions boundary and session policies limit what identity policies allow and what a key
 *       policy or grant allows to the caller's role (not to the session or user it names itself); a
 *       Deny in any of them wins. See {@link Organization} and {@link CallerPolicies}.
 * </ol>
 *
 * Pure function of its arguments; thread-safe.
 */
public final class AccessEvaluator {

  private AccessEvaluator() {}

  /**
   * Decides whether the caller of {@code request} may retire {@code grant}. KMS decides this mostly
   * by the grant, not by key policies (kms:RetireGrant has no effect in a key policy): the grant's
   * retiring principal, its grantee when the grant includes {@code RetireGrant}, and the account
   * that created the grant (its root user) may retire it. IAM policies matter in two ways only: an
   * explicit Deny of kms:RetireGrant wins, and an Allow of kms:RetireGrant lets an identity of the
   * account that owns the key, or of an account named as retiring principal, retire it on that
   * account's behalf (KMS developer guide, "Retiring and revoking grants"; it names no such
   * delegation for the creating account, which matters only when it does not own the key).
   *
   * @param request the RetireGrant request, built as for any other operation (caller, the grant's
   *     key, request time, aws:SourceIp, kms:ViaService, ...), so that the conditions of the
   *     caller's IAM policies see the request context they see everywhere else
   * @param callerIamPolicies identity policies attached to the caller (may be empty)
   * @throws IllegalArgumentException if the request is not for RetireGrant on the grant's key
   */
  public static AccessDecision evaluateRetireGrant(
      AccessRequest request, Grant grant, List<PolicyDocument> callerIamPolicies) {
    return evaluateRetireGrant(request, grant, CallerPolicies.of(callerIamPolicies), null);
  }

  /**
   * As {@link #evaluateRetireGrant(AccessRequest, Grant, List)}, within the rest of the IAM chain:
   * a Deny in an SCP, the permissions boundary or a session policy wins, and SCPs must allow. RCPs
   * do not apply to kms:RetireGrant ("Resource control policies in AWS KMS").
   */
  public static AccessDecision evaluateRetireGrant(
      AccessRequest request, Grant grant, CallerPolicies callerPolicies, Organization org) {
    Objects.requireNonNull(callerPolicies, "callerPolicies");
    List<PolicyDocument> callerIamPolicies = callerPolicies.identityPolicies();
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(grant, "grant");
    if (!request.operation().equals("RetireGrant")) {
      throw new IllegalArgumentException(
          "evaluateRetireGrant needs a RetireGrant request, got " + request.operation());
    }
    if (grant.keyArn() != null && !grant.keyArn().equals(request.keyArn())) {
      throw new IllegalArgumentException(
          "grant "
              + grant.grantId()
              + " is on "
              + grant.keyArn()
              + ", but the request names "
              + request.keyArn());
    }
    List<PolicyDocument> iam = callerIamPolicies == null ? List.of() : callerIamPolicies;
    CallerIdentity caller = request.caller();
    String account = caller.accountId();
    List<String> chain = new java.util.ArrayList<>();
    String label = "grant " + grant.grantId();
    chain.add("request: " + caller.arn() + " retires " + label);
    RequestContext ctx = RequestContext.of(request);
    String deny = iamStatement(iam, StatementEffect.DENY, request.keyArn(), ctx);
    if (deny != null) {
      String by = deny + " denies kms:RetireGrant";
      chain.add("decision: EXPLICIT_DENY (" + by + ")");
      return new AccessDecision(
          Effect.EXPLICIT_DENY,
          by,
          chain,
          PolicyLayer.IDENTITY_POLICY,
          "remove " + deny + ", or narrow it so that it no longer matches this request");
    }
    Evaluation guardrails = new Evaluation(request, null, callerPolicies, List.of(), org);
    var guard = guardrails.guardrailDeny();
    if (guard.isPresent()) {
      String by = guard.get().label() + " denies kms:RetireGrant";
      chain.add("decision: EXPLICIT_DENY (" + by + ")");
      return new AccessDecision(
          Effect.EXPLICIT_DENY,
          by,
          chain,
          guard.get().layer(),
          "remove " + guard.get().label() + ", or narrow it so that it no longer matches");
    }
    var scp = guardrails.scpAllowCheck();
    if (scp.isPresent()) {
      return scp.get();
    }
    boolean created =
        grant.issuingAccount() != null
            && Principals.accountOf(grant.issuingAccount()).filter(account::equals).isPresent();
    boolean ownsKey = account.equals(request.keyAccountId());
    boolean retires =
        grant.retiringPrincipal() != null
            && Principals.accountOf(grant.retiringPrincipal()).filter(account::equals).isPresent();
    String by = null;
    if (grant.retiringPrincipal() != null && names(grant.retiringPrincipal(), caller)) {
      by = label + " names the caller as retiring principal";
    } else if (grant.operations().contains("RetireGrant")
        && names(grant.granteePrincipal(), caller)) {
      by = label + " names the caller as grantee and includes RetireGrant";
    } else if (caller.isRoot() && created) {
      by = "the root user of account " + account + ", which created " + label;
    } else if (ownsKey || retires) {
      // The account may delegate its own right to retire the grant with an IAM policy.
      String allow = iamStatement(iam, StatementEffect.ALLOW, request.keyArn(), ctx);
      if (allow != null) {
        by =
            allow
                + " allows kms:RetireGrant for account "
                + account
                + ", which "
                + (ownsKey ? "owns the key of " + label : "is the retiring principal of " + label);
      }
    }
    if (by != null) {
      chain.add(by);
      chain.add("decision: ALLOW (" + by + ")");
      return new AccessDecision(
          Effect.ALLOW,
          by,
          chain,
          by.startsWith("IAM policy") ? PolicyLayer.IDENTITY_POLICY : PolicyLayer.GRANT,
          null);
    }
    String reason =
        "no statement allows: the caller is neither the retiring principal, nor a"
            + " grantee with RetireGrant, nor the root user of the account that created the grant,"
            + " nor allowed kms:RetireGrant by an IAM policy of the key's account or the retiring"
            + " principal's account";
    chain.add("decision: IMPLICIT_DENY (" + reason + ")");
    return new AccessDecision(
        Effect.IMPLICIT_DENY,
        reason,
        chain,
        PolicyLayer.GRANT,
        "retire the grant as its retiring principal or grantee, or allow kms:RetireGrant in an"
            + " identity policy of the key's account");
  }

  /** The label of the first IAM statement with this effect that applies to RetireGrant. */
  private static String iamStatement(
      List<PolicyDocument> iam, StatementEffect effect, String keyArn, RequestContext ctx) {
    for (int i = 0; i < iam.size(); i++) {
      PolicyDocument p = iam.get(i);
      for (Statement s : p.statements()) {
        if (s.effect() == effect
            && s.matchesAction("kms:RetireGrant")
            && s.matchesResource(keyArn, ctx)
            && s.firstFailingCondition(ctx).isEmpty()) {
          return "IAM policy " + p.name().map(n -> "'" + n + "'").orElse("#" + i) + " " + s.label();
        }
      }
    }
    return null;
  }

  private static boolean names(String principal, CallerIdentity caller) {
    if (principal.equals(caller.arn())
        || principal.equals(caller.principalArn())
        || Principals.namesIdentity(principal, caller)) {
      return true;
    }
    // An account named in a grant is its root user; its other identities need delegation.
    return caller.isRoot()
        && Principals.accountOf(principal).filter(caller.accountId()::equals).isPresent();
  }

  /**
   * Evaluates one request.
   *
   * @param callerIamPolicies identity policies attached to the caller (may be empty)
   * @param grants grants on this key visible now; the caller filters for propagation and tokens
   */
  public static AccessDecision evaluate(
      AccessRequest request,
      PolicyDocument keyPolicy,
      List<PolicyDocument> callerIamPolicies,
      List<Grant> grants) {
    return evaluate(request, keyPolicy, CallerPolicies.of(callerIamPolicies), grants, null);
  }

  /**
   * Evaluates one request through the whole IAM chain.
   *
   * @param caller the caller's identity policies, permissions boundary and session policies
   * @param grants grants on this key visible now; the caller filters for propagation and tokens
   * @param organization the organization of the caller's and the key's accounts, or null if none
   */
  public static AccessDecision evaluate(
      AccessRequest request,
      PolicyDocument keyPolicy,
      CallerPolicies caller,
      List<Grant> grants,
      Organization organization) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(keyPolicy, "keyPolicy");
    return new Evaluation(
            request,
            keyPolicy,
            caller == null ? CallerPolicies.none() : caller,
            grants == null ? List.of() : List.copyOf(grants),
            organization)
        .run();
  }
}
