package dev.envelope.aws.local;

import dev.envelope.aws.policy.AccessDecision;
import dev.envelope.aws.policy.AccessEvaluator;
import dev.envelope.aws.policy.AccessRequest;
import dev.envelope.aws.policy.Effect;
import dev.envelope.aws.policy.Grant;
import dev.envelope.aws.policy.KeyPolicyProblem;
import dev.envelope.aws.policy.KeyPolicyValidator;
import dev.envelope.aws.policy.KmsOperation;
import dev.envelope.aws.policy.Organization;
import dev.envelope.aws.policy.PolicyDocument;
import dev.envelope.aws.policy.PolicyLayer;
import dev.envelope.aws.policy.RequestFacts;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The checks every operation makes before it acts, shared by all handlers: resolving the KeyId
 * parameter, authorizing the caller with the policy engine (key policy, IAM policies, grants and
 * grant tokens), the policy lockout safety check, and the key-state rules. Each check records what
 * it learned on the {@link Call} for the audit log and throws {@link KmsException} with the
 * service's wording when it fails.
 */
final class Authorizer {
  /**
   * An identity side that allows every KMS action: the lockout check and "would the key policy
   * alone allow?".
   */
  private static final PolicyDocument IAM_ALLOWS_KMS =
      PolicyDocument.parseIdentityPolicy(
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\","
              + "\"Resource\":\"*\"}]}");

  /** What a CreateGrant request asks for, for the grant condition keys. */
  record NewGrant(
      String grantee,
      String retiring,
      Set<String> operations,
      Map<String, String> equals,
      Map<String, String> subset) {}

  private final KeyStore store;
  private final GrantTokens tokens;
  private final Clock clock;

  /** The organization of the accounts, or null: its SCPs and RCPs. */
  private final Organization organization;

  /** Per account: a key policy that trusts the account, to evaluate IAM-only permissions. */
  private final Map<String, PolicyDocument> accountTrust = new ConcurrentHashMap<>();

  Authorizer(KeyStore store, GrantTokens tokens, Clock clock, Organization organization) {
    this.store = store;
    this.tokens = tokens;
    this.clock = clock;
    this.organization = organization;
  }

  /** The whole IAM chain for one request: key policy, the caller's policies, grants, SCPs, RCPs. */
  AccessDecision evaluate(Call call, AccessRequest request, KmsKey key, List<Grant> grants) {
    return AccessEvaluator.evaluate(request, key.policy, call.policies, grants, organization);
  }

  /** RetireGrant, decided by the grant within the caller's policies and SCPs. */
  AccessDecision evaluateRetireGrant(Call call, AccessRequest request, Grant grant) {
    return AccessEvaluator.evaluateRetireGrant(request, grant, call.policies, organization);
  }

  // ---- keys and grant tokens ---------------------------------------------------------------

  /**
   * Resolves a KeyId parameter (see {@link KeyStore#resolve}) and records the key on the call.
   *
   * @param crossAccount whether the operation may name a key of another account
   */
  KeyStore.Resolved resolve(Call call, String keyIdParam, boolean crossAccount, boolean aliases) {
    KeyStore.Resolved r =
        store.resolve(keyIdParam, call.caller.accountId(), call.region, crossAccount, aliases);
    call.keyArn = r.key().arn;
    return r;
  }

  /** Validates presented grant tokens and returns the ids of the grants they name. */
  Set<String> grantTokens(Call call, KmsRequest req) {
    List<String> presented = req.stringList("GrantTokens");
    Set<String> ids = tokens.grantIds(presented);
    call.grantTokenFingerprints = presented.stream().map(GrantTokens::fingerprint).toList();
    return ids;
  }

  // ---- authorization -----------------------------------------------------------------------

  void authorize(
      Call call,
      KmsKey key,
      KmsOperation operation,
      Map<String, String> ctx,
      String requestAlias,
      Set<String> grantIds) {
    authorize(call, key, operation, ctx, requestAlias, grantIds, null, Map.of());
  }

  /**
   * @param requestFacts condition-key values taken from request parameters
   */
  void authorize(
      Call call,
      KmsKey key,
      KmsOperation operation,
      Map<String, String> ctx,
      String requestAlias,
      Set<String> grantIds,
      NewGrant newGrant,
      Map<String, List<String>> requestFacts) {
    AccessRequest request =
        accessRequest(call, key, operation, ctx, requestAlias, grantIds, newGrant, requestFacts);
    AccessDecision d = evaluate(call, request, key, visibleGrants(key, grantIds));
    call.decided(d);
    if (!d.allowed()) {
      throw denied(call, operation, key.arn, d, () -> keyPolicyAllows(request, key));
    }
  }

  /**
   * Whether the key policy would allow the request if the caller's IAM policies did: then a denial
   * is the IAM side's ("no identity-based policy allows"), as KMS words it, else the key policy's.
   */
  private static boolean keyPolicyAllows(AccessRequest request, KmsKey key) {
    return AccessEvaluator.evaluate(request, key.policy, List.of(IAM_ALLOWS_KMS), List.of())
        .allowed();
  }

  AccessRequest accessRequest(
      Call call,
      KmsKey key,
      KmsOperation operation,
      Map<String, String> ctx,
      String requestAlias,
      Set<String> grantIds,
      NewGrant newGrant,
      Map<String, List<String>> requestFacts) {
    // kms:GrantIsForAWSResource is only put into the context for the grant operations that document
    // it (the evaluator knows which); the fact itself is true of any call through a service.
    AccessRequest.Builder b =
        AccessRequest.builder()
            .caller(call.caller)
            .operation(operation.operationName())
            .keyArn(key.arn)
            .keyAccountId(key.accountId)
            .keyRegion(key.region)
            .encryptionContext(ctx)
            .viaService(call.viaService)
            .requestAlias(requestAlias)
            .grantTokensPresented(!grantIds.isEmpty())
            .grantIsForAwsResource(call.viaService != null)
            .requestTime(now());
    callerFacts(b, call);
    RequestFacts.onKey(b, operation.operationName(), key.keyId, key.isPrimary(), aliasNames(key));
    requestFacts.forEach(b::contextValue);
    if (newGrant != null) {
      b.grantOperations(newGrant.operations());
      b.contextValue("kms:GranteePrincipal", newGrant.grantee());
      if (newGrant.retiring() != null) {
        b.contextValue("kms:RetiringPrincipal", newGrant.retiring());
      }
      List<String> constraintTypes = new ArrayList<>();
      if (!newGrant.equals().isEmpty()) {
        constraintTypes.add("EncryptionContextEquals");
      }
      if (!newGrant.subset().isEmpty()) {
        constraintTypes.add("EncryptionContextSubset");
      }
      if (!constraintTypes.isEmpty()) {
        b.contextValue("kms:GrantConstraintType", constraintTypes);
      }
    }
    return b.build();
  }

  /**
   * aws:SourceIp is the address the caller connected from. A call through an AWS service reaches
   * KMS from the service, not from the caller, so a caller's address never applies to it.
   */
  private static void callerFacts(AccessRequest.Builder b, Call call) {
    if (call.sourceIp != null && call.viaService == null) {
      b.contextValue("aws:SourceIp", call.sourceIp);
    }
  }

  /** The names of the key's aliases in its Region, for kms:ResourceAliases. */
  private List<String> aliasNames(KmsKey key) {
    List<String> aliases = new ArrayList<>();
    for (KmsAlias a : store.aliases(key.region, key.accountId)) {
      if (a.targetKeyId.equals(key.keyId)) {
        aliases.add(a.name);
      }
    }
    return aliases;
  }

  /**
   * Grants become visible after the propagation delay, or at once for a request that presents the
   * grant's token.
   */
  List<Grant> visibleGrants(KmsKey key, Set<String> grantIds) {
    Instant now = now();
    List<Grant> visible = new ArrayList<>();
    for (KmsKey.StoredGrant s : key.grants) {
      if (!s.visibleAt().isAfter(now) || grantIds.contains(s.grant().grantId())) {
        visible.add(s.grant());
      }
    }
    return visible;
  }

  /**
   * Permissions KMS controls in IAM policies only (CreateKey, ListKeys, ListAliases, the alias side
   * of alias operations): evaluated against a key policy that simply trusts the caller's account,
   * so that exactly the caller's IAM policies decide.
   */
  void authorizeIdentityOnly(
      Call call,
      KmsOperation operation,
      String resource,
      String region,
      Map<String, List<String>> requestFacts) {
    PolicyDocument trust =
        accountTrust.computeIfAbsent(
            call.caller.accountId(),
            a -> PolicyDocument.parseKeyPolicy(PolicyDocument.defaultKeyPolicyJson(a)));
    AccessRequest.Builder b =
        AccessRequest.builder()
            .caller(call.caller)
            .operation(operation.operationName())
            .keyArn(resource)
            .keyAccountId(call.caller.accountId())
            .keyRegion(region)
            .viaService(call.viaService)
            .requestTime(now());
    callerFacts(b, call);
    requestFacts.forEach(b::contextValue);
    AccessRequest r = b.build();
    AccessDecision d = AccessEvaluator.evaluate(r, trust, call.policies, List.of(), organization);
    call.decided(d);
    if (!d.allowed()) {
      throw denied(call, operation, resource, d, () -> true); // only IAM policies decide these
    }
  }

  /**
   * KMS's denial message, which names the side that is missing: the key policy ("resource-based")
   * when it neither allows the caller nor delegates to the caller's account, else the caller's IAM
   * policies ("identity-based").
   *
   * @param keyPolicyAllows asked only for an implicit deny: an explicit deny names no side, and the
   *     answer may cost a second evaluation
   */
  static KmsException denied(
      Call call,
      KmsOperation operation,
      String resource,
      AccessDecision d,
      BooleanSupplier keyPolicyAllows) {
    String base =
        "User: "
            + call.caller.arn()
            + " is not authorized to perform: "
            + operation.action()
            + " on resource: "
            + resource;
    return KmsException.accessDenied(
        d.effect() == Effect.EXPLICIT_DENY
            ? base + " with an explicit deny in " + article(policyType(d.layer(), false))
            : base
                + " because no "
                + implicitType(d, keyPolicyAllows)
                + " allows the "
                + operation.action()
                + " action");
  }

  /**
   * How AWS's access-denied messages name a policy type (IAM User Guide, "Troubleshoot access
   * denied error messages"): "with an explicit deny in a service control policy", "because no
   * permissions boundary allows the ... action".
   */
  private static String policyType(PolicyLayer layer, boolean keyPolicyAllows) {
    return switch (layer) {
      case KEY_POLICY -> "resource-based policy";
      case IDENTITY_POLICY -> "identity-based policy";
      case GRANT -> keyPolicyAllows ? "identity-based policy" : "resource-based policy";
      case SCP -> "service control policy";
      case RCP -> "resource control policy";
      case PERMISSIONS_BOUNDARY -> "permissions boundary";
      case SESSION_POLICY -> "session policy";
    };
  }

  private static String implicitType(AccessDecision d, BooleanSupplier keyPolicyAllows) {
    return switch (d.layer()) {
      case SCP, PERMISSIONS_BOUNDARY, SESSION_POLICY -> policyType(d.layer(), false);
      default -> (keyPolicyAllows.getAsBoolean() ? "identity" : "resource") + "-based policy";
    };
  }

  private static String article(String type) {
    return (type.startsWith("i") ? "an " : "a ") + type;
  }

  // ---- key policies ------------------------------------------------------------------------

  /**
   * The policy lockout safety check (see {@link KeyPolicyValidator#lockout}): the new key policy
   * must allow the caller a later PutKeyPolicy.
   */
  void lockoutCheck(Call call, PolicyDocument policy, String keyArn) {
    KeyPolicyValidator.lockout(policy, call.caller, keyArn)
        .ifPresent(
            p -> {
              throw new KmsException(p.errorCode(), p.message());
            });
  }

  /**
   * KMS's checks of a new key policy ({@link KeyPolicyValidator}): the first problem is the answer,
   * with KMS's error code.
   */
  static PolicyDocument parseKeyPolicy(String json) {
    KeyPolicyValidator.Result r = KeyPolicyValidator.check(json);
    if (!r.accepted()) {
      KeyPolicyProblem p = r.problems().get(0);
      throw new KmsException(p.errorCode(), p.message());
    }
    return r.policy().orElseThrow();
  }

  /** DryRun: everything checked, nothing done. */
  static void dryRun(KmsRequest req) {
    if (req.bool("DryRun")) {
      throw new KmsException(
          "DryRunOperationException",
          "The request would have succeeded, but the DryRun option is set.");
    }
  }

  // ---- key states --------------------------------------------------------------------------

  /** The key must be Enabled: what the cryptographic operations and rotation require. */
  static void requireUsable(KmsKey key) {
    switch (key.state) {
      case DISABLED -> throw KmsException.disabled(key.arn + " is disabled.");
      case PENDING_DELETION -> throw KmsException.invalidState(key.arn + " is pending deletion.");
      default -> {}
    }
  }

  /**
   * The key must not be pending deletion: what changing a key or its aliases and grants requires.
   */
  static void requireNotPendingDeletion(KmsKey key) {
    if (key.state == KeyState.PENDING_DELETION) {
      throw KmsException.invalidState(key.arn + " is pending deletion.");
    }
  }

  private Instant now() {
    return clock.instant();
  }
}
