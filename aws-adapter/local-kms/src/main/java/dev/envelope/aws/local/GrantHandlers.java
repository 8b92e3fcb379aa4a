package dev.envelope.aws.local;

import dev.envelope.aws.internal.json.JsonOutput;
import dev.envelope.aws.policy.AccessDecision;
import dev.envelope.aws.policy.AccessRequest;
import dev.envelope.aws.policy.Grant;
import dev.envelope.aws.policy.KmsOperation;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The grant operations. New grants become visible to requests without their token only after the
 * propagation delay, as KMS grants are eventually consistent.
 */
final class GrantHandlers {
  private static final Pattern GRANT_ID = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern SERVICE_PRINCIPAL = Pattern.compile("[a-z0-9.-]+\\.amazonaws\\.com");

  private final KeyStore store;
  private final Authorizer auth;
  private final GrantTokens tokens;
  private final SecureRandom random;
  private final Clock clock;
  private final Object lock;
  private volatile Duration grantPropagationDelay;

  GrantHandlers(
      KeyStore store,
      Authorizer auth,
      GrantTokens tokens,
      SecureRandom random,
      Clock clock,
      Object lock,
      Duration grantPropagationDelay) {
    this.store = store;
    this.auth = auth;
    this.tokens = tokens;
    this.random = random;
    this.clock = clock;
    this.lock = lock;
    this.grantPropagationDelay = grantPropagationDelay;
  }

  void setGrantPropagationDelay(Duration delay) {
    this.grantPropagationDelay = Objects.requireNonNull(delay);
  }

  void registerIn(OperationTable.Registry table) {
    table.register(KmsOperation.CREATE_GRANT, this::createGrant);
    table.register(KmsOperation.LIST_GRANTS, this::listGrants);
    table.register(KmsOperation.RETIRE_GRANT, this::retireGrant);
    table.register(KmsOperation.REVOKE_GRANT, this::revokeGrant);
  }

  private String createGrant(Call call, KmsRequest req) {
    String keyIdParam = req.requiredString("KeyId");
    String grantee = req.requiredString("GranteePrincipal");
    String retiring = req.string("RetiringPrincipal").orElse(null);
    List<String> operations = req.stringList("Operations");
    String name = req.string("Name").orElse(null);
    if (!req.has("Operations")) {
      throw KmsException.validationNull("operations");
    }
    if (operations.isEmpty()) {
      throw KmsException.validation(
          "1 validation error detected: Value '[]' at 'operations' "
              + "failed to satisfy constraint: Member must have length greater than or equal to 1");
    }
    for (String op : operations) {
      if (KmsOperation.byName(op).filter(KmsOperation::grantable).isEmpty()) {
        throw KmsException.validation(
            "1 validation error detected: Value '"
                + operations
                + "' at 'operations' failed to satisfy constraint: Member must satisfy enum value set");
      }
    }
    validatePrincipal(grantee, "granteePrincipal");
    if (retiring != null) {
      validatePrincipal(retiring, "retiringPrincipal");
    }
    Map<String, String> equals = Map.of();
    Map<String, String> subset = Map.of();
    var constraints = req.object("Constraints");
    if (constraints.isPresent()) {
      equals = constraints.get().stringMap("EncryptionContextEquals");
      subset = constraints.get().stringMap("EncryptionContextSubset");
    }
    Set<String> grantIds = auth.grantTokens(call, req);
    KmsKey key = auth.resolve(call, keyIdParam, true, false).key();
    Set<String> ops = new LinkedHashSet<>(operations);
    Map<String, String> conditionContext = new HashMap<>(subset);
    conditionContext.putAll(equals);
    call.encryptionContext = conditionContext;
    Authorizer.NewGrant newGrant = new Authorizer.NewGrant(grantee, retiring, ops, equals, subset);
    auth.authorize(
        call, key, KmsOperation.CREATE_GRANT, conditionContext, null, grantIds, newGrant, Map.of());
    checkDerivedGrant(call, key, conditionContext, grantIds, newGrant);
    Authorizer.requireNotPendingDeletion(key);
    for (String op : operations) {
      if (!KmsOperation.byName(op).orElseThrow().validOnSymmetricEncryptionKey()) {
        throw KmsException.validation(
            "Grant operation " + op + " is not valid for a symmetric encryption KMS key.");
      }
    }
    Authorizer.dryRun(req);
    String issuingAccount = "arn:aws:iam::" + call.caller.accountId() + ":root";
    Instant now = now();
    synchronized (lock) {
      // KMS returns the existing grant for a retried CreateGrant with the same name and parameters.
      if (name != null) {
        for (KmsKey.StoredGrant s : key.grants) {
          Grant g = s.grant();
          if (name.equals(g.name())
              && g.granteePrincipal().equals(grantee)
              && Objects.equals(g.retiringPrincipal(), retiring)
              && g.operations().equals(ops)
              && g.encryptionContextEquals().equals(equals)
              && g.encryptionContextSubset().equals(subset)) {
            return grantResponse(g.grantId());
          }
        }
      }
      String grantId = HexFormat.of().formatHex(randomBytes(32));
      Grant grant =
          new Grant(grantId, key.arn, grantee, retiring, ops, equals, subset, name, issuingAccount);
      key.grants.add(new KmsKey.StoredGrant(grant, now, now.plus(grantPropagationDelay)));
      return grantResponse(grantId);
    }
  }

  private String grantResponse(String grantId) {
    return JsonOutput.compact()
        .beginObject()
        .field("GrantToken", tokens.issue(grantId))
        .field("GrantId", grantId)
        .endObject()
        .toString();
  }

  private static void validatePrincipal(String principal, String member) {
    boolean iam = principal.matches("arn:aws[a-z-]*:(iam|sts)::\\d{12}:.+");
    if (!iam && !SERVICE_PRINCIPAL.matcher(principal).matches()) {
      throw KmsException.validation(
          "1 validation error detected: Value '"
              + principal
              + "' at '"
              + member
              + "' failed to satisfy constraint: Member must be a valid principal ARN or "
              + "AWS service principal");
    }
  }

  private String listGrants(Call call, KmsRequest req) {
    int limit = Paging.limit(req);
    String keyIdParam = req.requiredString("KeyId");
    String grantIdFilter = req.string("GrantId").orElse(null);
    String granteeFilter = req.string("GranteePrincipal").orElse(null);
    KmsKey key = auth.resolve(call, keyIdParam, true, false).key();
    auth.authorize(call, key, KmsOperation.LIST_GRANTS, Map.of(), null, Set.of());
    Instant now = now();
    List<KmsKey.StoredGrant> grants = new ArrayList<>();
    for (KmsKey.StoredGrant s : key.grants) {
      Grant g = s.grant();
      // ListGrants is eventually consistent too: a grant shows once it has propagated.
      if (s.visibleAt().isAfter(now)
          || (grantIdFilter != null && !grantIdFilter.equals(g.grantId()))
          || (granteeFilter != null && !granteeFilter.equals(g.granteePrincipal()))) {
        continue;
      }
      grants.add(s);
    }
    int start = Paging.marker(req, grants.stream().map(s -> s.grant().grantId()).toList());
    int end = Math.min(grants.size(), start + limit);
    JsonOutput j = JsonOutput.compact().beginObject().name("Grants").beginArray();
    for (KmsKey.StoredGrant s : grants.subList(start, end)) {
      Grant g = s.grant();
      j.beginObject()
          .field("KeyId", key.arn)
          .field("GrantId", g.grantId())
          .field("Name", g.name())
          .name("CreationDate")
          .timestamp(s.creationDate())
          .field("GranteePrincipal", g.granteePrincipal())
          .field("RetiringPrincipal", g.retiringPrincipal())
          .field("IssuingAccount", g.issuingAccount())
          .name("Operations")
          .stringList(List.copyOf(g.operations()));
      if (g.hasConstraints()) {
        j.name("Constraints").beginObject();
        if (!g.encryptionContextSubset().isEmpty()) {
          j.name("EncryptionContextSubset").stringMap(g.encryptionContextSubset());
        }
        if (!g.encryptionContextEquals().isEmpty()) {
          j.name("EncryptionContextEquals").stringMap(g.encryptionContextEquals());
        }
        j.endObject();
      }
      j.endObject();
    }
    j.endArray().field("Truncated", end < grants.size());
    if (end < grants.size()) {
      j.field("NextMarker", grants.get(end - 1).grant().grantId());
    }
    return j.endObject().toString();
  }

  /**
   * Retiring is authorized by the grant itself, not by the key policy: the retiring principal, the
   * grantee if the grant allows RetireGrant, or the account that created the grant; the key's
   * account and a retiring account may delegate that right with IAM policies (see
   * AccessEvaluator#evaluateRetireGrant).
   */
  private String retireGrant(Call call, KmsRequest req) {
    String token = req.string("GrantToken").orElse(null);
    String keyIdParam = req.string("KeyId").orElse(null);
    String grantIdParam = req.string("GrantId").orElse(null);
    KmsKey key;
    String grantId;
    if (token != null) {
      grantId = tokens.grantId(token);
      call.grantTokenFingerprints = List.of(GrantTokens.fingerprint(token));
      key = keyHoldingGrant(call.region, grantId);
      if (keyIdParam != null) {
        KmsKey named = auth.resolve(call, keyIdParam, true, false).key();
        if (key != null && named != key) {
          throw KmsException.notFound("Grant not found on key " + named.arn);
        }
      }
    } else if (keyIdParam != null && grantIdParam != null) {
      key = auth.resolve(call, keyIdParam, true, false).key();
      grantId = grantIdParam;
    } else {
      throw KmsException.validation("Specify either GrantToken, or both KeyId and GrantId.");
    }
    KmsKey.StoredGrant stored = key == null ? null : findGrant(key, grantId);
    if (stored == null) {
      throw KmsException.notFound("Grant " + grantId + " does not exist");
    }
    call.keyArn = key.arn;
    // The same request context as every other operation: IAM conditions on aws:SourceIp, the
    // request time or kms:ViaService must see this call, not a bare one.
    AccessRequest request =
        auth.accessRequest(
            call, key, KmsOperation.RETIRE_GRANT, Map.of(), null, Set.of(), null, Map.of());
    AccessDecision d = auth.evaluateRetireGrant(call, request, stored.grant());
    call.decided(d);
    if (!d.allowed()) {
      // Retiring is decided by the grant and the caller's IAM policies, never by the key policy.
      throw Authorizer.denied(call, KmsOperation.RETIRE_GRANT, key.arn, d, () -> true);
    }
    synchronized (lock) {
      key.grants.remove(stored);
    }
    return "{}";
  }

  private String revokeGrant(Call call, KmsRequest req) {
    String keyIdParam = req.requiredString("KeyId");
    String grantId = req.requiredString("GrantId");
    KmsKey key = auth.resolve(call, keyIdParam, true, false).key();
    auth.authorize(call, key, KmsOperation.REVOKE_GRANT, Map.of(), null, Set.of());
    if (!GRANT_ID.matcher(grantId).matches()) {
      throw new KmsException("InvalidGrantIdException", "Invalid grant ID " + grantId);
    }
    synchronized (lock) {
      KmsKey.StoredGrant stored = findGrant(key, grantId);
      if (stored == null) {
        throw KmsException.notFound("Grant " + grantId + " does not exist on " + key.arn);
      }
      key.grants.remove(stored);
    }
    return "{}";
  }

  private KmsKey keyHoldingGrant(String region, String grantId) {
    for (KmsKey k : store.allKeys()) {
      if (k.region.equals(region) && findGrant(k, grantId) != null) {
        return k;
      }
    }
    return null;
  }

  private static KmsKey.StoredGrant findGrant(KmsKey key, String grantId) {
    for (KmsKey.StoredGrant s : key.grants) {
      if (s.grant().grantId().equals(grantId)) {
        return s;
      }
    }
    return null;
  }

  /**
   * A grant that allows CreateGrant lets its grantee create only grants that are no broader:
   * operations within the parent's, and an encryption-context constraint at least as strict (KMS
   * developer guide, grant constraints). Policies that allow CreateGrant have no such limit.
   */
  private void checkDerivedGrant(
      Call call,
      KmsKey key,
      Map<String, String> ctx,
      Set<String> grantIds,
      Authorizer.NewGrant newGrant) {
    Set<String> ops = newGrant.operations();
    Map<String, String> equals = newGrant.equals();
    Map<String, String> subset = newGrant.subset();
    AccessRequest request =
        auth.accessRequest(
            call, key, KmsOperation.CREATE_GRANT, ctx, null, grantIds, newGrant, Map.of());
    if (auth.evaluate(call, request, key, List.of()).allowed()) {
      return;
    }
    for (Grant parent : auth.visibleGrants(key, grantIds)) {
      if (auth.evaluate(call, request, key, List.of(parent)).allowed()
          && parent.operations().containsAll(ops)
          && atLeastAsStrict(parent, equals, subset)) {
        return;
      }
    }
    call.decided(
        false,
        "grants allowing CreateGrant do not cover the new grant's operations or " + "constraints");
    throw KmsException.accessDenied(
        "User: "
            + call.caller.arn()
            + " is not authorized to "
            + "perform: kms:CreateGrant on resource: "
            + key.arn
            + " because the grant that allows "
            + "CreateGrant does not allow a grant with these operations or constraints");
  }

  private static boolean atLeastAsStrict(
      Grant parent, Map<String, String> equals, Map<String, String> subset) {
    if (!parent.encryptionContextEquals().isEmpty()) {
      return equals.equals(parent.encryptionContextEquals());
    }
    if (!parent.encryptionContextSubset().isEmpty()) {
      Map<String, String> child = !equals.isEmpty() ? equals : subset;
      return child.entrySet().containsAll(parent.encryptionContextSubset().entrySet());
    }
    return true;
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private Instant now() {
    return clock.instant();
  }
}
