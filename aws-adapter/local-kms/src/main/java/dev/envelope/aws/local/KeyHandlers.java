package dev.envelope.aws.local;

import dev.envelope.aws.internal.json.JsonOutput;
import dev.envelope.aws.policy.KmsOperation;
import dev.envelope.aws.policy.PolicyDocument;
import dev.envelope.aws.policy.RequestFacts;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The key-management operations: creating, describing and listing keys, key policies, key state
 * (enable, disable, deletion), rotation, descriptions and multi-Region replicas.
 */
final class KeyHandlers {
  static final String SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT";
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

  private final KeyStore store;
  private final Authorizer auth;
  private final SecureRandom random;
  private final Clock clock;
  private final Object lock;

  KeyHandlers(KeyStore store, Authorizer auth, SecureRandom random, Clock clock, Object lock) {
    this.store = store;
    this.auth = auth;
    this.random = random;
    this.clock = clock;
    this.lock = lock;
  }

  void registerIn(OperationTable.Registry table) {
    table.register(KmsOperation.CREATE_KEY, this::createKey);
    table.register(KmsOperation.DESCRIBE_KEY, this::describeKey);
    table.register(KmsOperation.LIST_KEYS, this::listKeys);
    table.register(KmsOperation.GET_KEY_POLICY, this::getKeyPolicy);
    table.register(KmsOperation.PUT_KEY_POLICY, this::putKeyPolicy);
    table.register(KmsOperation.ENABLE_KEY, (call, req) -> setEnabled(call, req, true));
    table.register(KmsOperation.DISABLE_KEY, (call, req) -> setEnabled(call, req, false));
    table.register(KmsOperation.SCHEDULE_KEY_DELETION, this::scheduleKeyDeletion);
    table.register(KmsOperation.CANCEL_KEY_DELETION, this::cancelKeyDeletion);
    table.register(KmsOperation.ENABLE_KEY_ROTATION, (call, req) -> setRotation(call, req, true));
    table.register(KmsOperation.DISABLE_KEY_ROTATION, (call, req) -> setRotation(call, req, false));
    table.register(KmsOperation.GET_KEY_ROTATION_STATUS, this::getKeyRotationStatus);
    table.register(KmsOperation.UPDATE_KEY_DESCRIPTION, this::updateKeyDescription);
    table.register(KmsOperation.REPLICATE_KEY, this::replicateKey);
  }

  private String createKey(Call call, KmsRequest req) {
    String usage = req.string("KeyUsage").orElse("ENCRYPT_DECRYPT");
    String spec =
        req.string("KeySpec")
            .or(() -> req.string("CustomerMasterKeySpec"))
            .orElse(SYMMETRIC_DEFAULT);
    String origin = req.string("Origin").orElse("AWS_KMS");
    boolean multiRegion = req.bool("MultiRegion");
    boolean bypass = req.bool("BypassPolicyLockoutSafetyCheck");
    String description = req.string("Description").orElse("");
    // Tags are not stored (no aws:ResourceTag), but the request's tags are condition values.
    Map<String, String> tags = req.tags("Tags");
    Map<String, List<String>> facts =
        new HashMap<>(RequestFacts.createKey(spec, usage, origin, multiRegion, bypass));
    if (!tags.isEmpty()) {
      facts.put("aws:TagKeys", List.copyOf(tags.keySet()));
      tags.forEach((k, v) -> facts.put("aws:RequestTag/" + k, List.of(v)));
    }
    auth.authorizeIdentityOnly(call, KmsOperation.CREATE_KEY, "*", call.region, facts);
    if (!usage.equals("ENCRYPT_DECRYPT") || !spec.equals(SYMMETRIC_DEFAULT)) {
      throw KmsException.unsupported(
          "The local KMS supports only symmetric encryption keys "
              + "(KeySpec SYMMETRIC_DEFAULT, KeyUsage ENCRYPT_DECRYPT)");
    }
    if (!origin.equals("AWS_KMS")) {
      throw KmsException.unsupported("The local KMS supports only Origin AWS_KMS");
    }
    String account = call.caller.accountId();
    boolean given = req.has("Policy");
    PolicyDocument policy =
        Authorizer.parseKeyPolicy(
            req.string("Policy").orElseGet(() -> PolicyDocument.defaultKeyPolicyJson(account)));
    String keyId =
        multiRegion
            ? "mrk-" + HexFormat.of().formatHex(randomBytes(16))
            : UUID.randomUUID().toString();
    if (given && !bypass) { // the default policy trusts the account: nothing to check
      auth.lockoutCheck(call, policy, KmsKey.arn(call.region, account, keyId));
    }
    KmsKey key =
        new KmsKey(
            keyId,
            account,
            call.region,
            now(),
            KeyMaterial.generate(random),
            multiRegion ? new KmsKey.MultiRegionGroup(call.region) : null,
            policy,
            description,
            KeyState.ENABLED);
    store.put(key);
    call.keyArn = key.arn;
    JsonOutput j = JsonOutput.compact().beginObject().name("KeyMetadata");
    keyMetadata(j, key);
    return j.endObject().toString();
  }

  private String describeKey(Call call, KmsRequest req) {
    req.stringList("GrantTokens");
    KeyStore.Resolved r = auth.resolve(call, req.requiredString("KeyId"), true, true);
    auth.authorize(
        call,
        r.key(),
        KmsOperation.DESCRIBE_KEY,
        Map.of(),
        r.requestAlias(),
        auth.grantTokens(call, req));
    JsonOutput j = JsonOutput.compact().beginObject().name("KeyMetadata");
    keyMetadata(j, r.key());
    return j.endObject().toString();
  }

  private String listKeys(Call call, KmsRequest req) {
    int limit = Paging.limit(req);
    auth.authorizeIdentityOnly(call, KmsOperation.LIST_KEYS, "*", call.region, Map.of());
    List<KmsKey> keys = store.keys(call.region, call.caller.accountId());
    int start = Paging.marker(req, keys.stream().map(k -> k.keyId).toList());
    JsonOutput j = JsonOutput.compact().beginObject().name("Keys").beginArray();
    int end = Math.min(keys.size(), start + limit);
    for (KmsKey k : keys.subList(start, end)) {
      j.beginObject().field("KeyId", k.keyId).field("KeyArn", k.arn).endObject();
    }
    j.endArray().field("Truncated", end < keys.size());
    if (end < keys.size()) {
      j.field("NextMarker", keys.get(end - 1).keyId);
    }
    return j.endObject().toString();
  }

  private String getKeyPolicy(Call call, KmsRequest req) {
    String name = req.string("PolicyName").orElse("default");
    KeyStore.Resolved r = auth.resolve(call, req.requiredString("KeyId"), false, false);
    auth.authorize(call, r.key(), KmsOperation.GET_KEY_POLICY, Map.of(), null, Set.of());
    if (!name.equals("default")) {
      throw KmsException.notFound(
          "No such policy: " + name + " (the only key policy is 'default')");
    }
    return JsonOutput.compact()
        .beginObject()
        .field("Policy", r.key().policy.json())
        .field("PolicyName", "default")
        .endObject()
        .toString();
  }

  private String putKeyPolicy(Call call, KmsRequest req) {
    String keyIdParam = req.requiredString("KeyId");
    String json = req.requiredString("Policy");
    String name = req.string("PolicyName").orElse("default");
    boolean bypass = req.bool("BypassPolicyLockoutSafetyCheck");
    KeyStore.Resolved r = auth.resolve(call, keyIdParam, false, false);
    KmsKey key = r.key();
    auth.authorize(
        call,
        key,
        KmsOperation.PUT_KEY_POLICY,
        Map.of(),
        null,
        Set.of(),
        null,
        Map.of("kms:BypassPolicyLockoutSafetyCheck", List.of(Boolean.toString(bypass))));
    if (!name.equals("default")) {
      throw KmsException.notFound(
          "No such policy: " + name + " (the only key policy is 'default')");
    }
    PolicyDocument policy = Authorizer.parseKeyPolicy(json);
    if (!bypass) {
      auth.lockoutCheck(call, policy, key.arn);
    }
    synchronized (lock) {
      key.policy = policy;
    }
    return "{}";
  }

  private String setEnabled(Call call, KmsRequest req, boolean enable) {
    KmsKey key = auth.resolve(call, req.requiredString("KeyId"), false, false).key();
    auth.authorize(
        call,
        key,
        enable ? KmsOperation.ENABLE_KEY : KmsOperation.DISABLE_KEY,
        Map.of(),
        null,
        Set.of());
    synchronized (lock) {
      Authorizer.requireNotPendingDeletion(key);
      key.state = enable ? KeyState.ENABLED : KeyState.DISABLED;
    }
    return "{}";
  }

  private String scheduleKeyDeletion(Call call, KmsRequest req) {
    String keyIdParam = req.requiredString("KeyId");
    int days = req.integer("PendingWindowInDays").orElse(30);
    if (days < 7 || days > 30) {
      throw KmsException.validation(
          "1 validation error detected: Value '"
              + days
              + "' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value "
              + (days < 7 ? "greater than or equal to 7" : "less than or equal to 30"));
    }
    KmsKey key = auth.resolve(call, keyIdParam, false, false).key();
    auth.authorize(
        call,
        key,
        KmsOperation.SCHEDULE_KEY_DELETION,
        Map.of(),
        null,
        Set.of(),
        null,
        Map.of("kms:ScheduleKeyDeletionPendingWindowInDays", List.of(Integer.toString(days))));
    Instant deletion;
    synchronized (lock) {
      Authorizer.requireNotPendingDeletion(key);
      deletion = now().plus(days, ChronoUnit.DAYS);
      key.state = KeyState.PENDING_DELETION;
      key.deletionDate = deletion;
      key.pendingWindowInDays = days;
    }
    JsonOutput j =
        JsonOutput.compact()
            .beginObject()
            .field("KeyId", key.arn)
            .name("DeletionDate")
            .timestamp(deletion)
            .field("KeyState", KeyState.PENDING_DELETION.wireName())
            .field("PendingWindowInDays", days);
    return j.endObject().toString();
  }

  private String cancelKeyDeletion(Call call, KmsRequest req) {
    KmsKey key = auth.resolve(call, req.requiredString("KeyId"), false, false).key();
    auth.authorize(call, key, KmsOperation.CANCEL_KEY_DELETION, Map.of(), null, Set.of());
    synchronized (lock) {
      if (key.state != KeyState.PENDING_DELETION) {
        throw KmsException.invalidState(key.arn + " is not pending deletion.");
      }
      // KMS leaves a key whose deletion was cancelled disabled, so that its use is a decision.
      key.state = KeyState.DISABLED;
      key.deletionDate = null;
      key.pendingWindowInDays = 0;
    }
    return JsonOutput.compact().beginObject().field("KeyId", key.arn).endObject().toString();
  }

  private String setRotation(Call call, KmsRequest req, boolean enable) {
    String keyIdParam = req.requiredString("KeyId");
    int period = req.integer("RotationPeriodInDays").orElse(365);
    if (enable && (period < 90 || period > 2560)) {
      throw KmsException.validation(
          "1 validation error detected: Value '"
              + period
              + "' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value "
              + (period < 90 ? "greater than or equal to 90" : "less than or equal to 2560"));
    }
    KmsKey key = auth.resolve(call, keyIdParam, false, false).key();
    // kms:RotationPeriodInDays describes EnableKeyRotation's period, its default included.
    auth.authorize(
        call,
        key,
        enable ? KmsOperation.ENABLE_KEY_ROTATION : KmsOperation.DISABLE_KEY_ROTATION,
        Map.of(),
        null,
        Set.of(),
        null,
        enable ? Map.of("kms:RotationPeriodInDays", List.of(Integer.toString(period))) : Map.of());
    Authorizer.requireUsable(key);
    if (!key.isPrimary()) {
      throw KmsException.unsupported(
          key.arn + " is a multi-Region replica key; manage " + "rotation on its primary key.");
    }
    // Rotation is recorded, not performed: rotating would keep old material for decryption anyway,
    // so ciphertexts behave the same either way.
    synchronized (lock) {
      key.rotationEnabled = enable;
      key.rotationPeriodInDays = enable ? period : 0;
    }
    return "{}";
  }

  private String getKeyRotationStatus(Call call, KmsRequest req) {
    KmsKey key = auth.resolve(call, req.requiredString("KeyId"), true, false).key();
    auth.authorize(call, key, KmsOperation.GET_KEY_ROTATION_STATUS, Map.of(), null, Set.of());
    JsonOutput j =
        JsonOutput.compact()
            .beginObject()
            .field("KeyRotationEnabled", key.rotationEnabled)
            .field("KeyId", key.arn);
    if (key.rotationEnabled) {
      j.field("RotationPeriodInDays", key.rotationPeriodInDays);
    }
    return j.endObject().toString();
  }

  private String updateKeyDescription(Call call, KmsRequest req) {
    String keyIdParam = req.requiredString("KeyId");
    String description =
        req.string("Description").orElseThrow(() -> KmsException.validationNull("description"));
    KmsKey key = auth.resolve(call, keyIdParam, false, false).key();
    auth.authorize(call, key, KmsOperation.UPDATE_KEY_DESCRIPTION, Map.of(), null, Set.of());
    Authorizer.requireNotPendingDeletion(key);
    key.description = description;
    return "{}";
  }

  private String replicateKey(Call call, KmsRequest req) {
    String keyIdParam = req.requiredString("KeyId");
    String replicaRegion = req.requiredString("ReplicaRegion");
    boolean bypass = req.bool("BypassPolicyLockoutSafetyCheck");
    if (!REGION.matcher(replicaRegion).matches()) {
      throw KmsException.validation("Invalid ReplicaRegion: " + replicaRegion);
    }
    KmsKey primary = auth.resolve(call, keyIdParam, false, false).key();
    auth.authorize(
        call,
        primary,
        KmsOperation.REPLICATE_KEY,
        Map.of(),
        null,
        Set.of(),
        null,
        Map.of("kms:ReplicaRegion", List.of(replicaRegion)));
    // The replica is a new key in the replica Region: KMS also requires kms:CreateKey there (IAM).
    // It describes the replica, which has the primary's spec, usage and origin.
    auth.authorizeIdentityOnly(
        call,
        KmsOperation.CREATE_KEY,
        "*",
        replicaRegion,
        RequestFacts.createKey(SYMMETRIC_DEFAULT, "ENCRYPT_DECRYPT", "AWS_KMS", true, bypass));
    if (!primary.multiRegion()) {
      throw KmsException.unsupported(primary.arn + " is not a multi-Region key.");
    }
    if (!primary.isPrimary()) {
      throw KmsException.unsupported(
          primary.arn
              + " is not a primary key; replicate the primary "
              + "key in "
              + primary.group.primaryRegion
              + ".");
    }
    Authorizer.requireNotPendingDeletion(primary);
    String replicaArn = KmsKey.arn(replicaRegion, primary.accountId, primary.keyId);
    PolicyDocument policy =
        Authorizer.parseKeyPolicy(
            req.string("Policy")
                .orElseGet(() -> PolicyDocument.defaultKeyPolicyJson(primary.accountId)));
    if (req.has("Policy") && !bypass) {
      auth.lockoutCheck(call, policy, replicaArn);
    }
    KmsKey replica;
    synchronized (lock) {
      if (replicaRegion.equals(primary.region)) {
        throw KmsException.validation(
            "The replica Region must differ from the primary key's "
                + "Region "
                + primary.region
                + ".");
      }
      if (primary.group.regions.contains(replicaRegion)) {
        throw new KmsException(
            "AlreadyExistsException",
            "A replica of " + primary.keyId + " already exists in " + replicaRegion + ".");
      }
      replica =
          new KmsKey(
              primary.keyId,
              primary.accountId,
              replicaRegion,
              now(),
              primary.material,
              primary.group,
              policy,
              req.string("Description").orElse(primary.description),
              KeyState.ENABLED);
      primary.group.regions.add(replicaRegion);
      store.put(replica);
    }
    JsonOutput j = JsonOutput.compact().beginObject().name("ReplicaKeyMetadata");
    keyMetadata(j, replica);
    j.field("ReplicaPolicy", policy.json()).name("ReplicaTags").beginArray().endArray();
    return j.endObject().toString();
  }

  static void keyMetadata(JsonOutput j, KmsKey key) {
    KeyState state = key.state;
    j.beginObject()
        .field("AWSAccountId", key.accountId)
        .field("KeyId", key.keyId)
        .field("Arn", key.arn)
        .name("CreationDate")
        .timestamp(key.creationDate)
        .field("Enabled", state == KeyState.ENABLED)
        .field("Description", key.description)
        .field("KeyUsage", "ENCRYPT_DECRYPT")
        .field("KeyState", state.wireName());
    Instant deletion = key.deletionDate;
    if (state == KeyState.PENDING_DELETION && deletion != null) {
      j.name("DeletionDate")
          .timestamp(deletion)
          .field("PendingDeletionWindowInDays", key.pendingWindowInDays);
    }
    j.field("Origin", "AWS_KMS")
        .field("KeyManager", "CUSTOMER")
        .field("CustomerMasterKeySpec", SYMMETRIC_DEFAULT)
        .field("KeySpec", SYMMETRIC_DEFAULT)
        .name("EncryptionAlgorithms")
        .stringList(List.of(SYMMETRIC_DEFAULT))
        .field("MultiRegion", key.multiRegion());
    if (key.multiRegion()) {
      String primaryRegion = key.group.primaryRegion;
      j.name("MultiRegionConfiguration")
          .beginObject()
          .field("MultiRegionKeyType", key.isPrimary() ? "PRIMARY" : "REPLICA")
          .name("PrimaryKey")
          .beginObject()
          .field("Arn", KmsKey.arn(primaryRegion, key.accountId, key.keyId))
          .field("Region", primaryRegion)
          .endObject()
          .name("ReplicaKeys")
          .beginArray();
      for (String r : key.group.regions) {
        if (!r.equals(primaryRegion)) {
          j.beginObject()
              .field("Arn", KmsKey.arn(r, key.accountId, key.keyId))
              .field("Region", r)
              .endObject();
        }
      }
      j.endArray().endObject();
    }
    j.endObject();
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
