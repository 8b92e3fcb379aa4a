package dev.envelope.aws.policy.doctor;

import dev.envelope.aws.policy.AccessDecision;
import dev.envelope.aws.policy.AccessEvaluator;
import dev.envelope.aws.policy.AccessRequest;
import dev.envelope.aws.policy.CallerIdentity;
import dev.envelope.aws.policy.CallerPolicies;
import dev.envelope.aws.policy.Grant;
import dev.envelope.aws.policy.KmsOperation;
import dev.envelope.aws.policy.Organization;
import dev.envelope.aws.policy.PolicyDocument;
import dev.envelope.aws.policy.RequestFacts;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Explains a KMS authorization decision from a local {@link AccessEnvironment}: the same {@link
 * AccessEvaluator} the local KMS uses, fed the way the local KMS feeds it (visible grants, grant
 * tokens, kms:ViaService, kms:RequestAlias, kms:GrantIsForAWSResource), so that the doctor and the
 * local KMS agree on every request.
 *
 * <pre>{@code
 * Diagnosis d = AccessDoctor.diagnose(AccessEnvironment.load(path), AccessQuestion.builder()
 *     .caller("arn:aws:iam::111122223333:role/App")
 *     .key("arn:aws:kms:us-east-1:111122223333:key/1234abcd-...")
 *     .operation("Decrypt").contextEntry("tenant", "acme").build());
 * System.out.print(d.render());
 * }</pre>
 */
public final class AccessDoctor {
  private AccessDoctor() {}

  /**
   * Decides the question.
   *
   * @throws IllegalArgumentException if the key is not in the environment or the caller or
   *     operation is malformed
   */
  public static Diagnosis diagnose(AccessEnvironment env, AccessQuestion q) {
    CallerIdentity caller;
    try {
      caller = CallerIdentity.of(q.callerArn());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "caller must be an IAM or STS ARN such as"
              + " arn:aws:iam::111122223333:role/App, got "
              + q.callerArn(),
          e);
    }
    EnvKey key =
        env.keyByArn(q.keyArn())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "key "
                            + q.keyArn()
                            + " is not described in the environment; known keys: "
                            + env.keyArns()));
    List<String> notes = new ArrayList<>();
    String operation = canonicalOperation(q.operation());

    EnvPrincipal principal = env.principal(caller.arn(), caller.principalArn()).orElse(null);
    List<PolicyDocument> iam = principal == null ? List.of() : principal.policies();
    CallerPolicies policies =
        principal == null ? CallerPolicies.none() : principal.callerPolicies(caller.arn());
    Organization org = env.organization().orElse(null);
    if (principal == null) {
      notes.add(
          "the caller "
              + caller.arn()
              + " is not described in the environment: evaluated"
              + " with no IAM policies");
    }

    // Which key ARN the request names: the Region's key ARN, or the alias (kms:RequestAlias).
    String keyArn = q.keyArn();
    String requestAlias = null;
    if (key.aliasArns().contains(q.keyArn())) {
      requestAlias = q.keyArn().substring(q.keyArn().lastIndexOf(':') + 1);
      String region = q.keyArn().split(":")[3];
      keyArn =
          key.arns().stream()
              .filter(a -> a.split(":")[3].equals(region))
              .findFirst()
              .orElse(key.primaryArn());
    }

    Set<String> presented = presentedGrantIds(env, q, notes);
    if (operation.equals("RetireGrant")) {
      // Decided by the grant the token names, with the request context of any other operation.
      EnvGrant g = retiredGrant(env, q);
      String grantKey = g.grant().keyArn() != null ? g.grant().keyArn() : keyArn;
      if (!key.arns().contains(grantKey)) {
        throw new IllegalArgumentException(
            "grant " + g.grant().grantId() + " is on " + grantKey + ", not on " + q.keyArn());
      }
      AccessRequest request =
          request(q, caller, operation, key, grantKey, null, principal, presented).build();
      return new Diagnosis(
          q, AccessEvaluator.evaluateRetireGrant(request, g.grant(), policies, org), notes);
    }
    List<Grant> visible = visibleGrants(env, presented, notes);
    AccessRequest request =
        request(q, caller, operation, key, keyArn, requestAlias, principal, presented).build();
    AccessDecision decision =
        AccessEvaluator.evaluate(request, key.policy(), policies, visible, org);

    if (decision.allowed() && operation.equals("CreateGrant")) {
      decision = narrowerThanParent(request, key, policies, org, visible, q, decision, notes);
    }
    if (decision.allowed()
        && !key.state().equals("Enabled")
        && (needsEnabledKey(operation)
            || key.state().equals("PendingDeletion") && operation.equals("CreateGrant"))) {
      notes.add(
          "the key is "
              + key.state()
              + ": authorization allows the call, but KMS answers "
              + (key.state().equals("Disabled") ? "DisabledException" : "KMSInvalidStateException")
              + (key.state().equals("Disabled")
                  ? "; enable the key (EnableKey)"
                  : "; cancel the deletion (CancelKeyDeletion) and enable the key"));
    }
    if (!decision.allowed() && request.crossAccount()) {
      notes.add(
          "cross-account calls must name the key by its key ARN or alias ARN, and need"
              + " both the key policy of account "
              + key.accountId()
              + " and an IAM policy in account "
              + caller.accountId());
    }
    return new Diagnosis(q, decision, notes);
  }

  /**
   * The request as the local KMS builds it for the same call, RetireGrant included, so that the
   * doctor and the local KMS give IAM conditions the same request context.
   */
  static AccessRequest.Builder request(
      AccessQuestion q,
      CallerIdentity caller,
      String operation,
      EnvKey key,
      String keyArn,
      String requestAlias,
      EnvPrincipal principal,
      Set<String> presented) {
    AccessRequest.Builder rb =
        AccessRequest.builder()
            .caller(caller)
            .operation(operation)
            .keyArn(keyArn)
            .keyAccountId(key.accountId())
            .keyRegion(keyArn.split(":")[3])
            .encryptionContext(q.encryptionContext())
            .requestAlias(requestAlias)
            .grantTokensPresented(!presented.isEmpty());
    q.viaService().ifPresent(rb::viaService);
    if (principal != null && principal.principalOrgId() != null) {
      rb.principalOrgId(principal.principalOrgId());
    }
    // KMS sets kms:GrantIsForAWSResource (on the grant operations) when an integrated service makes
    // the call.
    rb.grantIsForAwsResource(q.viaService().isPresent());
    if (operation.equals("CreateGrant")) {
      rb.grantOperations(q.grantOperations());
    }
    keyFacts(rb, key, keyArn, operation);
    return rb;
  }

  /** The key's facts as the local KMS supplies them (see {@link RequestFacts}). */
  private static void keyFacts(
      AccessRequest.Builder rb, EnvKey key, String keyArn, String operation) {
    String region = keyArn.split(":")[3];
    List<String> aliases =
        key.aliasArns().stream()
            .filter(a -> a.split(":")[3].equals(region))
            .map(a -> a.substring(a.lastIndexOf(':') + 1))
            .toList();
    RequestFacts.onKey(rb, operation, key.keyId(), keyArn.equals(key.primaryArn()), aliases);
  }

  /**
   * A grant that allows CreateGrant allows only grants no broader than itself; when a policy allows
   * CreateGrant there is no such limit. Mirrors the local KMS.
   */
  private static AccessDecision narrowerThanParent(
      AccessRequest request,
      EnvKey key,
      CallerPolicies iam,
      Organization org,
      List<Grant> visible,
      AccessQuestion q,
      AccessDecision decision,
      List<String> notes) {
    if (AccessEvaluator.evaluate(request, key.policy(), iam, List.of(), org).allowed()) {
      return decision;
    }
    for (Grant parent : visible) {
      if (AccessEvaluator.evaluate(request, key.policy(), iam, List.of(parent), org).allowed()
          && parent.operations().containsAll(q.grantOperations())
          && (parent.encryptionContextEquals().isEmpty()
              || parent.encryptionContextEquals().equals(q.encryptionContext()))
          && q.encryptionContext()
              .entrySet()
              .containsAll(parent.encryptionContextSubset().entrySet())) {
        return decision;
      }
    }
    notes.add(
        "a grant allows CreateGrant, but only for grants with operations within its own and"
            + " an encryption-context constraint at least as strict");
    return AccessEvaluator.evaluate(request, key.policy(), iam, List.of(), org);
  }

  /** The grant whose token the question presents: RetireGrant names its grant that way. */
  private static EnvGrant retiredGrant(AccessEnvironment env, AccessQuestion q) {
    for (EnvGrant g : env.grants()) {
      if (g.grantToken() != null && q.grantTokens().contains(g.grantToken())) {
        return g;
      }
    }
    throw new IllegalArgumentException(
        "RetireGrant is decided by the grant: pass the grant's token (--grant-token) of a grant"
            + " in the environment that has a GrantToken");
  }

  private static Set<String> presentedGrantIds(
      AccessEnvironment env, AccessQuestion q, List<String> notes) {
    Set<String> ids = new HashSet<>();
    for (String token : q.grantTokens()) {
      boolean matched = false;
      for (EnvGrant g : env.grants()) {
        if (token.equals(g.grantToken())) {
          ids.add(g.grant().grantId());
          matched = true;
        }
      }
      if (!matched) {
        notes.add("grant token " + abbreviate(token) + " matches no grant in the environment");
      }
    }
    return ids;
  }

  private static List<Grant> visibleGrants(
      AccessEnvironment env, Set<String> presented, List<String> notes) {
    List<Grant> visible = new ArrayList<>();
    for (EnvGrant g : env.grants()) {
      if (g.propagated() || presented.contains(g.grant().grantId())) {
        visible.add(g.grant());
      } else {
        notes.add(
            "grant "
                + g.grant().grantId()
                + " has not propagated yet and is ignored unless"
                + " its grant token is presented (--grant-token)");
      }
    }
    return visible;
  }

  /** Whether KMS refuses this permission on a Disabled or PendingDeletion key. */
  private static boolean needsEnabledKey(String operation) {
    return KmsOperation.byName(operation)
        .filter(KmsOperation::isPermission)
        .filter(KmsOperation::needsEnabledKey)
        .isPresent();
  }

  private static String canonicalOperation(String op) {
    String o = op.regionMatches(true, 0, "kms:", 0, 4) ? op.substring(4) : op;
    if (o.isEmpty()) {
      throw new IllegalArgumentException("operation must not be empty");
    }
    // AccessRequest canonicalises the spelling; build a throwaway to reuse it.
    return AccessRequest.builder()
        .caller(CallerIdentity.root("111122223333"))
        .operation(o)
        .keyArn("arn:aws:kms:us-east-1:111122223333:key/x")
        .build()
        .operation();
  }

  private static String abbreviate(String token) {
    return token.length() <= 12 ? token : token.substring(0, 8) + "...";
  }
}
