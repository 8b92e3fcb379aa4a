package dev.envelope.aws.policy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The request context: condition-key values of one request, keyed by lower-case key name. */
final class RequestContext {
  private final Map<String, List<String>> values;
  private final Map<String, String> encryptionContext;

  private RequestContext(Map<String, List<String>> values, Map<String, String> encryptionContext) {
    this.values = values;
    this.encryptionContext = encryptionContext;
  }

  static RequestContext of(AccessRequest r) {
    return of(r, null);
  }

  /**
   * The request context, with the organization's facts when one is known: aws:PrincipalOrgID and
   * aws:PrincipalOrgPaths for a caller in it, aws:ResourceOrgID and aws:ResourceOrgPaths for a key
   * in it (IAM User Guide, "AWS global condition context keys"). Values the request supplies win.
   */
  static RequestContext of(AccessRequest r, Organization org) {
    Map<String, List<String>> v = new HashMap<>(r.extraContext());
    if (org != null) {
      String callerAccount = r.caller().accountId();
      if (org.contains(callerAccount)) {
        v.putIfAbsent("aws:principalorgpaths", List.of(org.orgPath(callerAccount).orElseThrow()));
      }
      if (org.contains(r.keyAccountId())) {
        v.putIfAbsent("aws:resourceorgid", List.of(org.id()));
        v.putIfAbsent("aws:resourceorgpaths", List.of(org.orgPath(r.keyAccountId()).orElseThrow()));
      }
    }
    CallerIdentity caller = r.caller();
    Optional<KmsOperation> permission = r.permission();
    if (permission.map(KmsOperation::setsCallerAccount).orElse(true)) {
      v.put("kms:calleraccount", List.of(caller.accountId()));
    }
    v.put("aws:principalaccount", List.of(caller.accountId()));
    v.put("aws:resourceaccount", List.of(r.keyAccountId()));
    v.put("aws:principalarn", List.of(caller.principalArn()));
    v.put("aws:principaltype", List.of(caller.principalType()));
    caller.userName().ifPresent(u -> v.put("aws:username", List.of(u)));
    r.principalOrgId().ifPresent(o -> v.put("aws:principalorgid", List.of(o)));
    if (org != null && r.principalOrgId().isEmpty() && org.contains(caller.accountId())) {
      v.put("aws:principalorgid", List.of(org.id()));
    }
    if (r.keyRegion() != null && !r.keyRegion().isEmpty()) {
      v.put("aws:requestedregion", List.of(r.keyRegion()));
    }
    // Whole seconds, as the request context carries them.
    Instant now = r.requestTime().truncatedTo(ChronoUnit.SECONDS);
    v.put("aws:currenttime", List.of(now.toString()));
    v.put("aws:epochtime", List.of(Long.toString(now.getEpochSecond())));
    r.viaService().ifPresent(s -> v.put("kms:viaservice", List.of(s)));
    // Present in every signed request: whether a service calls with the principal's credentials,
    // and whether the principal is a service (never, for the identities this engine models).
    // A caller that knows better may still supply them.
    v.putIfAbsent("aws:viaawsservice", List.of(Boolean.toString(r.viaService().isPresent())));
    v.putIfAbsent("aws:principalisawsservice", List.of("false"));
    r.requestAlias().ifPresent(a -> v.put("kms:requestalias", List.of(a)));
    if (!r.encryptionContext().isEmpty()) {
      v.put("kms:encryptioncontextkeys", List.copyOf(r.encryptionContext().keySet()));
    }
    if (permission.filter(KmsOperation::setsGrantIsForAwsResource).isPresent()) {
      v.put("kms:grantisforawsresource", List.of(Boolean.toString(r.grantIsForAwsResource())));
    }
    if ("CreateGrant".equals(r.operation()) && !r.grantOperations().isEmpty()) {
      v.put("kms:grantoperations", List.copyOf(r.grantOperations()));
    }
    return new RequestContext(Map.copyOf(v), r.encryptionContext());
  }

  /**
   * The values of {@code key} in this request, or an empty list if the key is absent.
   *
   * <p>For {@code kms:EncryptionContext:<name>} the name is matched case-insensitively, because IAM
   * condition key names are case-insensitive (KMS documents that only kms:EncryptionContextKeys
   * gives a case-sensitive check of context keys); an exact-case pair wins if both exist.
   */
  List<String> values(String key) {
    String lower = ConditionKeys.normalize(key);
    if (lower.startsWith(ConditionKeys.ENCRYPTION_CONTEXT_PREFIX)) {
      String name = key.substring(ConditionKeys.ENCRYPTION_CONTEXT_PREFIX.length());
      String exact = encryptionContext.get(name);
      if (exact != null) {
        return List.of(exact);
      }
      for (Map.Entry<String, String> e : encryptionContext.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return List.of(e.getValue());
        }
      }
      return List.of();
    }
    return values.getOrDefault(lower, List.of());
  }
}
