package dev.envelope.aws.local;

import dev.envelope.aws.internal.json.JsonOutput;
import dev.envelope.aws.policy.AccessDecision;
import dev.envelope.aws.policy.AccessEvaluator;
import dev.envelope.aws.policy.AccessRequest;
import dev.envelope.aws.policy.Effect;
import dev.envelope.aws.policy.Grant;
import dev.envelope.aws.policy.PolicyDocument;
import dev.envelope.aws.policy.PolicyException;
import dev.envelope.aws.policy.RequestFacts;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * The KMS operations: parameter validation, key resolution, authorization, key-state rules and the
 * work itself, each in the order the service applies them. Every operation returns its JSON
 * response body or throws {@link KmsException}.
 *
 * <p>The cryptographic operations run without a lock (keys publish their state through volatile
 * fields); operations that change keys, aliases or grants take one lock so that check-then-act
 * sequences (alias exists? grant name taken?) are atomic.
 */
final class KmsOperations {
  static final int MAX_PLAINTEXT_BYTES = 4096;
  static final String SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT";

  /** Grant operations that make sense for a symmetric encryption key. */
  private static final Set<String> SYMMETRIC_GRANT_OPERATIONS =
      Set.of(
          "Decrypt",
          "Encrypt",
          "GenerateDataKey",
          "GenerateDataKeyWithoutPlaintext",
          "ReEncryptFrom",
          "ReEncryptTo",
          "CreateGrant",
          "RetireGrant",
          "DescribeKey");

  /** Grant operations KMS knows but that need asymmetric or HMAC keys. */
  private static final Set<String> OTHER_GRANT_OPERATIONS =
      Set.of(
          "GenerateDataKeyPair",
          "GenerateDataKeyPairWithoutPlaintext",
          "Sign",
          "Verify",
          "GetPublicKey",
          "GenerateMac",
          "VerifyMac",
          "DeriveSharedSecret");

  /** The operations this KMS implements; anything else is UnknownOperationException. */
  static final Set<String> OPERATIONS =
      Set.of(
          "CreateKey",
          "DescribeKey",
          "ListKeys",
          "CreateAlias",
          "UpdateAlias",
          "DeleteAlias",
          "ListAliases",
          "Encrypt",
          "Decrypt",
          "ReEncrypt",
          "GenerateDataKey",
          "GenerateDataKeyWithoutPlaintext",
          "CreateGrant",
          "ListGrants",
          "RetireGrant",
          "RevokeGrant",
          "GetKeyPolicy",
          "PutKeyPolicy",
          "EnableKey",
          "DisableKey",
          "ScheduleKeyDeletion",
          "CancelKeyDeletion",
          "EnableKeyRotation",
          "DisableKeyRotation",
          "GetKeyRotationStatus",
          "UpdateKeyDescription",
          "ReplicateKey");

  private static final Pattern ALIAS_NAME = Pattern.compile("alias/[a-zA-Z0-9/_-]+");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
  private static final Pattern GRANT_ID = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern SERVICE_PRINCIPAL = Pattern.compile("[a-z0-9.-]+\\.amazonaws\\.com");

  private final KeyStore store;
  private final GrantTokens tokens;
  private final RequestQuota quota;
  private final SecureRandom random;
  private final Clock clock;
  private volatile Duration grantPropagationDelay;
  private final Object lock = new Object();

  /**
   * An identity side that allows every KMS action: the lockout check and "would the key policy
   * alone allow?".
   */
  private static final PolicyDocument IAM_ALLOWS_KMS =
      PolicyDocument.parseIdentityPolicy(
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\","
              + "\"Resource\":\"*\"}]}");

  /** Per account: a key policy that trusts the account, to evaluate IAM-only permissions. */
  private final Map<String, PolicyDocument> accountTrust = new ConcurrentHashMap<>();

  KmsOperations(
      KeyStore store,
      GrantTokens tokens,
      RequestQuota quota,
      SecureRandom random,
      Clock clock,
      Duration grantPropagationDelay) {
    this.store = store;
    this.tokens = tokens;
    this.quota = quota;
    this.random = random;
    this.clock = clock;
    this.grantPropagationDelay = grantPropagationDelay;
  }

  void setGrantPropagationDelay(Duration delay) {
    this.grantPropagationDelay = Objects.requireNonNull(delay);
  }

  String invoke(String operation, Call call, KmsRequest req) {
    if (!quota.tryAcquire(operation, call.caller.accountId(), call.region, System.nanoTime())) {
      throw new KmsException("ThrottlingException", "Rate exceeded");
    }
    return switch (operation) {
      case "CreateKey" -> createKey(call, req);
      case "DescribeKey" -> describeKey(call, req);
      case "ListKeys" -> listKeys(call, req);
      case "CreateAlias" -> createAlias(call, req);
      case "UpdateAlias" -> updateAlias(call, req);
      case "DeleteAlias" -> deleteAlias(call, req);
      case "ListAliases" -> listAliases(call, req);
      case "Encrypt" -> encrypt(call, req);
      case "Decrypt" -> decrypt(call, req);
      case "ReEncrypt" -> reEncrypt(call, req);
      case "GenerateDataKey" -> generateDataKey(call, req, true);
      case "GenerateDataKeyWithoutPlaintext" -> generateDataKey(call, req, false);
      case "CreateGrant" -> createGrant(call, req);
      case "ListGrants" -> listGrants(call, req);
      case "RetireGrant" -> retireGrant(call, req);
      case "RevokeGrant" -> revokeGrant(call, req);
      case "GetKeyPolicy" -> getKeyPolicy(call, req);
      case "PutKeyPolicy" -> putKeyPolicy(call, req);
      case "EnableKey" -> setEnabled(call, req, true);
      case "DisableKey" -> setEnabled(call, req, false);
      case "ScheduleKeyDeletion" -> scheduleKeyDeletion(call, req);
      case "CancelKeyDeletion" -> cancelKeyDeletion(call, req);
      case "EnableKeyRotation" -> setRotation(call, req, true);
      case "DisableKeyRotation" -> setRotation(call, req, false);
      case "GetKeyRotationStatus" -> getKeyRotationStatus(call, req);
      case "UpdateKeyDescription" -> updateKeyDescription(call, req);
      case "ReplicateKey" -> replicateKey(call, req);
      default ->
          throw new KmsException(
              "UnknownOperationException", "The local KMS does not implement " + operation);
    };
  }

  // ---- keys --------------------------------------------------------------------------------

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
    authorizeIdentityOnly(call, "CreateKey", "*", call.region, facts);
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
        parseKeyPolicy(
            req.string("Policy").orElseGet(() -> PolicyDocument.defaultKeyPolicyJson(account)));
    String keyId =
        multiRegion
            ? "mrk-" + HexFormat.of().formatHex(randomBytes(16))
            : UUID.randomUUID().toString();
    if (given && !bypass) { // the default policy trusts the account: nothing to check
      lockoutCheck(call, policy, KmsKey.arn(call.region, account, keyId));
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
    KeyStore.Resolved r = resolve(call, req.requiredString("KeyId"), true, true);
    authorize(call, r.key(), "DescribeKey", Map.of(), r.requestAlias(), grantTokens(call, req));
    JsonOutput j = JsonOutput.compact().beginObject().name("KeyMetadata");
    keyMetadata(j, r.key());
    return j.endObject().toString();
  }

  private String listKeys(Call call, KmsRequest req) {
    int limit = limit(req);
    authorizeIdentityOnly(call, "ListKeys", "*", call.region, Map.of());
    List<KmsKey> keys = store.keys(call.region, call.caller.accountId());
    int start = marker(req, keys.stream().map(k -> k.keyId).toList());
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
    KeyStore.Resolved r = resolve(call, req.requiredString("KeyId"), false, false);
    authorize(call, r.key(), "GetKeyPolicy", Map.of(), null, Set.of());
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
    KeyStore.Resolved r = resolve(call, keyIdParam, false, false);
    KmsKey key = r.key();
    authorize(
        call,
        key,
        "PutKeyPolicy",
        Map.of(),
        null,
        Set.of(),
        null,
        Map.of("kms:BypassPolicyLockoutSafetyCheck", List.of(Boolean.toString(bypass))));
    if (!name.equals("default")) {
      throw KmsException.notFound(
          "No such policy: " + name + " (the only key policy is 'default')");
    }
    PolicyDocument policy = parseKeyPolicy(json);
    if (!bypass) {
      lockoutCheck(call, policy, key.arn);
    }
    synchronized (lock) {
      key.policy = policy;
    }
    return "{}";
  }

  private String setEnabled(Call call, KmsRequest req, boolean enable) {
    KmsKey key = resolve(call, req.requiredString("KeyId"), false, false).key();
    authorize(call, key, enable ? "EnableKey" : "DisableKey", Map.of(), null, Set.of());
    synchronized (lock) {
      requireNotPendingDeletion(key);
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
    KmsKey key = resolve(call, keyIdParam, false, false).key();
    authorize(
        call,
        key,
        "ScheduleKeyDeletion",
        Map.of(),
        null,
        Set.of(),
        null,
        Map.of("kms:ScheduleKeyDeletionPendingWindowInDays", List.of(Integer.toString(days))));
    Instant deletion;
    synchronized (lock) {
      requireNotPendingDeletion(key);
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
    KmsKey key = resolve(call, req.requiredString("KeyId"), false, false).key();
    authorize(call, key, "CancelKeyDeletion", Map.of(), null, Set.of());
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
    KmsKey key = resolve(call, keyIdParam, false, false).key();
    // kms:RotationPeriodInDays describes EnableKeyRotation's period, its default included.
    authorize(
        call,
        key,
        enable ? "EnableKeyRotation" : "DisableKeyRotation",
        Map.of(),
        null,
        Set.of(),
        null,
        enable ? Map.of("kms:RotationPeriodInDays", List.of(Integer.toString(period))) : Map.of());
    requireUsable(key);
    if (!key.isPrimary()) {
      throw KmsException.unsupported(
          key.arn + " is a multi-Region replica key; manage " + "rotation on its primary key.");
    }
    // Rotation is recorded, not performed: rotating would keep old material for decryption
    // anyway, so ciphertexts behave the same either way.
    synchronized (lock) {
      key.rotationEnabled = enable;
      key.rotationPeriodInDays = enable ? period : 0;
    }
    return "{}";
  }

  private String getKeyRotationStatus(Call call, KmsRequest req) {
    KmsKey key = resolve(call, req.requiredString("KeyId"), true, false).key();
    authorize(call, key, "GetKeyRotationStatus", Map.of(), null, Set.of());
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
    KmsKey key = resolve(call, keyIdParam, false, false).key();
    authorize(call, key, "UpdateKeyDescription", Map.of(), null, Set.of());
    requireNotPendingDeletion(key);
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
    KmsKey primary = resolve(call, keyIdParam, false, false).key();
    authorize(
        call,
        primary,
        "ReplicateKey",
        Map.of(),
        null,
        Set.of(),
        null,
        Map.of("kms:ReplicaRegion", List.of(replicaRegion)));
    // The replica is a new key in the replica Region: KMS also requires kms:CreateKey there (IAM).
    // It describes the replica, which has the primary's spec, usage and origin.
    authorizeIdentityOnly(
        call,
        "CreateKey",
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
    requireNotPendingDeletion(primary);
    String replicaArn = KmsKey.arn(replicaRegion, primary.accountId, primary.keyId);
    PolicyDocument policy =
        parseKeyPolicy(
            req.string("Policy")
                .orElseGet(() -> PolicyDocument.defaultKeyPolicyJson(primary.accountId)));
    if (req.has("Policy") && !bypass) {
      lockoutCheck(call, policy, replicaArn);
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

  // ---- aliases -----------------------------------------------------------------------------

  private String createAlias(Call call, KmsRequest req) {
    String name = req.requiredString("AliasName");
    String target = req.requiredString("TargetKeyId");
    validateAliasName(name);
    KmsKey key = resolve(call, target, false, false).key();
    String aliasArn = KmsAlias.arn(call.region, call.caller.accountId(), name);
    // Two resources: the alias (IAM policy only) and the key (key policy).
    authorizeIdentityOnly(call, "CreateAlias", aliasArn, call.region, Map.of());
    authorize(call, key, "CreateAlias", Map.of(), null, Set.of());
    synchronized (lock) {
      requireNotPendingDeletion(key);
      if (store.alias(call.region, call.caller.accountId(), name) != null) {
        throw new KmsException(
            "AlreadyExistsException", "An alias with the name " + aliasArn + " already exists");
      }
      store.putAlias(new KmsAlias(name, call.caller.accountId(), call.region, key.keyId, now()));
    }
    return "{}";
  }

  private String updateAlias(Call call, KmsRequest req) {
    String name = req.requiredString("AliasName");
    String target = req.requiredString("TargetKeyId");
    KmsAlias alias = existingAlias(call, name);
    KmsKey newKey = resolve(call, target, false, false).key();
    KmsKey oldKey = store.find(call.region, call.caller.accountId(), alias.targetKeyId);
    authorizeIdentityOnly(call, "UpdateAlias", alias.arn, call.region, Map.of());
    if (oldKey != null) {
      authorize(call, oldKey, "UpdateAlias", Map.of(), null, Set.of());
    }
    authorize(call, newKey, "UpdateAlias", Map.of(), null, Set.of());
    synchronized (lock) {
      requireNotPendingDeletion(newKey);
      alias.targetKeyId = newKey.keyId;
      alias.lastUpdatedDate = now();
    }
    return "{}";
  }

  private String deleteAlias(Call call, KmsRequest req) {
    KmsAlias alias = existingAlias(call, req.requiredString("AliasName"));
    KmsKey key = store.find(call.region, call.caller.accountId(), alias.targetKeyId);
    authorizeIdentityOnly(call, "DeleteAlias", alias.arn, call.region, Map.of());
    if (key != null) {
      authorize(call, key, "DeleteAlias", Map.of(), null, Set.of());
    }
    synchronized (lock) {
      store.removeAlias(alias);
    }
    return "{}";
  }

  private String listAliases(Call call, KmsRequest req) {
    int limit = limit(req);
    String keyFilter =
        req.string("KeyId").map(k -> resolve(call, k, false, false).key().keyId).orElse(null);
    authorizeIdentityOnly(call, "ListAliases", "*", call.region, Map.of());
    List<KmsAlias> aliases = new ArrayList<>();
    for (KmsAlias a : store.aliases(call.region, call.caller.accountId())) {
      if (keyFilter == null || keyFilter.equals(a.targetKeyId)) {
        aliases.add(a);
      }
    }
    int start = marker(req, aliases.stream().map(a -> a.name).toList());
    int end = Math.min(aliases.size(), start + limit);
    JsonOutput j = JsonOutput.compact().beginObject().name("Aliases").beginArray();
    for (KmsAlias a : aliases.subList(start, end)) {
      j.beginObject()
          .field("AliasName", a.name)
          .field("AliasArn", a.arn)
          .field("TargetKeyId", a.targetKeyId)
          .name("CreationDate")
          .timestamp(a.creationDate)
          .name("LastUpdatedDate")
          .timestamp(a.lastUpdatedDate)
          .endObject();
    }
    j.endArray().field("Truncated", end < aliases.size());
    if (end < aliases.size()) {
      j.field("NextMarker", aliases.get(end - 1).name);
    }
    return j.endObject().toString();
  }

  private KmsAlias existingAlias(Call call, String name) {
    KmsAlias alias = store.alias(call.region, call.caller.accountId(), name);
    if (alias == null) {
      throw KmsException.notFound(
          "Alias " + KmsAlias.arn(call.region, call.caller.accountId(), name) + " is not found.");
    }
    return alias;
  }

  private static void validateAliasName(String name) {
    if (!name.startsWith("alias/") || name.length() > 256 || !ALIAS_NAME.matcher(name).matches()) {
      throw new KmsException(
          "InvalidAliasNameException",
          "Alias must start with 'alias/' and "
              + "contain only alphanumeric characters, '/', '_' or '-': "
              + name);
    }
    if (name.startsWith("alias/aws/")) {
      throw new KmsException(
          "InvalidAliasNameException",
          "Alias names beginning with 'alias/aws/' are reserved for AWS managed keys: " + name);
    }
  }

  // ---- cryptographic operations ------------------------------------------------------------

  private String encrypt(Call call, KmsRequest req) {
    String keyIdParam = req.requiredString("KeyId");
    byte[] plaintext = req.requiredBlob("Plaintext");
    try {
      if (plaintext.length > MAX_PLAINTEXT_BYTES) {
        throw KmsException.validation(
            "1 validation error detected: Value at 'plaintext' failed "
                + "to satisfy constraint: Member must have length less than or equal to 4096");
      }
      Map<String, String> ctx = req.stringMap("EncryptionContext");
      requireSymmetricAlgorithm(req, "EncryptionAlgorithm");
      Set<String> grantIds = grantTokens(call, req);
      call.encryptionContext = ctx;
      KeyStore.Resolved r = resolve(call, keyIdParam, true, true);
      KmsKey key = r.key();
      authorize(call, key, "Encrypt", ctx, r.requestAlias(), grantIds);
      requireUsable(key);
      dryRun(req);
      byte[] blob =
          CiphertextBlob.seal(key.material, key.accountId, key.keyId, ctx, plaintext, random);
      return JsonOutput.compact()
          .beginObject()
          .name("CiphertextBlob")
          .blob(blob)
          .field("KeyId", key.arn)
          .field("EncryptionAlgorithm", SYMMETRIC_DEFAULT)
          .endObject()
          .toString();
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  private String generateDataKey(Call call, KmsRequest req, boolean withPlaintext) {
    String op = withPlaintext ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext";
    String keyIdParam = req.requiredString("KeyId");
    int length = dataKeyLength(req);
    Map<String, String> ctx = req.stringMap("EncryptionContext");
    Set<String> grantIds = grantTokens(call, req);
    if (req.has("Recipient")) {
      throw KmsException.unsupported("The local KMS does not support Recipient (Nitro enclaves)");
    }
    call.encryptionContext = ctx;
    KeyStore.Resolved r = resolve(call, keyIdParam, true, true);
    KmsKey key = r.key();
    authorize(call, key, op, ctx, r.requestAlias(), grantIds);
    requireUsable(key);
    dryRun(req);
    byte[] dataKey = randomBytes(length);
    try {
      byte[] blob =
          CiphertextBlob.seal(key.material, key.accountId, key.keyId, ctx, dataKey, random);
      JsonOutput j = JsonOutput.compact().beginObject().name("CiphertextBlob").blob(blob);
      if (withPlaintext) {
        j.name("Plaintext").blob(dataKey);
      }
      return j.field("KeyId", key.arn).endObject().toString();
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  private static int dataKeyLength(KmsRequest req) {
    var spec = req.string("KeySpec");
    var bytes = req.integer("NumberOfBytes");
    if (spec.isPresent() == bytes.isPresent()) {
      throw KmsException.validation("Please specify either number of bytes or key spec.");
    }
    if (bytes.isPresent()) {
      int n = bytes.get();
      if (n < 1 || n > 1024) {
        throw KmsException.validation(
            "1 validation error detected: Value '"
                + n
                + "' at 'numberOfBytes' failed to satisfy constraint: Member must have value "
                + (n < 1 ? "greater than or equal to 1" : "less than or equal to 1024"));
      }
      return n;
    }
    return switch (spec.get()) {
      case "AES_256" -> 32;
      case "AES_128" -> 16;
      default ->
          throw KmsException.validation(
              "1 validation error detected: Value '"
                  + spec.get()
                  + "' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: "
                  + "[AES_256, AES_128]");
    };
  }

  private String decrypt(Call call, KmsRequest req) {
    byte[] blobBytes = req.requiredBlob("CiphertextBlob");
    Map<String, String> ctx = req.stringMap("EncryptionContext");
    requireSymmetricAlgorithm(req, "EncryptionAlgorithm");
    Set<String> grantIds = grantTokens(call, req);
    if (req.has("Recipient")) {
      throw KmsException.unsupported("The local KMS does not support Recipient (Nitro enclaves)");
    }
    call.encryptionContext = ctx;
    CiphertextBlob blob = CiphertextBlob.parse(blobBytes);
    KeyStore.Resolved r = keyOfCiphertext(call, blob, req.string("KeyId").orElse(null));
    KmsKey key = r.key();
    authorize(call, key, "Decrypt", ctx, r.requestAlias(), grantIds);
    requireUsable(key);
    dryRun(req);
    byte[] plaintext = blob.open(key.material, ctx);
    try {
      return JsonOutput.compact()
          .beginObject()
          .field("KeyId", key.arn)
          .name("Plaintext")
          .blob(plaintext)
          .field("EncryptionAlgorithm", SYMMETRIC_DEFAULT)
          .endObject()
          .toString();
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  private String reEncrypt(Call call, KmsRequest req) {
    byte[] blobBytes = req.requiredBlob("CiphertextBlob");
    String destinationParam = req.requiredString("DestinationKeyId");
    Map<String, String> sourceCtx = req.stringMap("SourceEncryptionContext");
    Map<String, String> destinationCtx = req.stringMap("DestinationEncryptionContext");
    requireSymmetricAlgorithm(req, "SourceEncryptionAlgorithm");
    requireSymmetricAlgorithm(req, "DestinationEncryptionAlgorithm");
    Set<String> grantIds = grantTokens(call, req);
    call.encryptionContext = destinationCtx;
    CiphertextBlob blob = CiphertextBlob.parse(blobBytes);
    KeyStore.Resolved src = keyOfCiphertext(call, blob, req.string("SourceKeyId").orElse(null));
    call.sourceKeyArn = src.key().arn;
    KeyStore.Resolved dst = resolve(call, destinationParam, true, true);
    // ReEncrypt is two permissions on two keys, each with its own encryption context.
    Map<String, List<String>> sameKey =
        Map.of("kms:ReEncryptOnSameKey", List.of(Boolean.toString(src.key() == dst.key())));
    authorize(
        call, src.key(), "ReEncryptFrom", sourceCtx, src.requestAlias(), grantIds, null, sameKey);
    authorize(
        call,
        dst.key(),
        "ReEncryptTo",
        destinationCtx,
        dst.requestAlias(),
        grantIds,
        null,
        sameKey);
    requireUsable(src.key());
    requireUsable(dst.key());
    dryRun(req);
    byte[] plaintext = blob.open(src.key().material, sourceCtx);
    try {
      byte[] out =
          CiphertextBlob.seal(
              dst.key().material,
              dst.key().accountId,
              dst.key().keyId,
              destinationCtx,
              plaintext,
              random);
      return JsonOutput.compact()
          .beginObject()
          .name("CiphertextBlob")
          .blob(out)
          .field("SourceKeyId", src.key().arn)
          .field("KeyId", dst.key().arn)
          .field("SourceEncryptionAlgorithm", SYMMETRIC_DEFAULT)
          .field("DestinationEncryptionAlgorithm", SYMMETRIC_DEFAULT)
          .endObject()
          .toString();
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /**
   * The key a ciphertext names, found in this Region: the blob carries account and key id, so
   * Decrypt needs no KeyId, even across accounts. A KeyId, when given, must name that same key
   * (IncorrectKeyException otherwise); it also supplies kms:RequestAlias.
   */
  private KeyStore.Resolved keyOfCiphertext(Call call, CiphertextBlob blob, String keyIdParam) {
    KeyStore.Resolved given = null;
    if (keyIdParam != null) {
      given = resolve(call, keyIdParam, true, true);
      if (!given.key().accountId.equals(blob.accountId())
          || !given.key().keyId.equals(blob.keyId())) {
        call.keyArn = given.key().arn;
        throw new KmsException(
            "IncorrectKeyException",
            "The key ID in the request does not "
                + "identify a KMS key that can perform this operation.");
      }
    }
    KmsKey key = store.find(call.region, blob.accountId(), blob.keyId());
    if (key == null) {
      // A key of another Region (that is not a replica here) or one that no longer exists.
      throw KmsException.invalidCiphertext();
    }
    call.keyArn = key.arn;
    return new KeyStore.Resolved(key, given == null ? null : given.requestAlias());
  }

  private static void requireSymmetricAlgorithm(KmsRequest req, String member) {
    req.string(member)
        .ifPresent(
            a -> {
              if (!a.equals(SYMMETRIC_DEFAULT)) {
                throw new KmsException(
                    "InvalidKeyUsageException",
                    "The encryption algorithm "
                        + a
                        + " is not supported by a symmetric encryption KMS key.");
              }
            });
  }

  private static void dryRun(KmsRequest req) {
    if (req.bool("DryRun")) {
      throw new KmsException(
          "DryRunOperationException",
          "The request would have succeeded, but the DryRun option is set.");
    }
  }

  // ---- grants ------------------------------------------------------------------------------

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
      if (!SYMMETRIC_GRANT_OPERATIONS.contains(op) && !OTHER_GRANT_OPERATIONS.contains(op)) {
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
    Set<String> grantIds = grantTokens(call, req);
    KmsKey key = resolve(call, keyIdParam, true, false).key();
    Set<String> ops = new LinkedHashSet<>(operations);
    Map<String, String> conditionContext = new HashMap<>(subset);
    conditionContext.putAll(equals);
    call.encryptionContext = conditionContext;
    NewGrant newGrant = new NewGrant(grantee, retiring, ops, equals, subset);
    authorize(call, key, "CreateGrant", conditionContext, null, grantIds, newGrant, Map.of());
    checkDerivedGrant(call, key, conditionContext, grantIds, newGrant);
    requireNotPendingDeletion(key);
    for (String op : operations) {
      if (OTHER_GRANT_OPERATIONS.contains(op)) {
        throw KmsException.validation(
            "Grant operation " + op + " is not valid for a symmetric encryption KMS key.");
      }
    }
    dryRun(req);
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
    int limit = limit(req);
    String keyIdParam = req.requiredString("KeyId");
    String grantIdFilter = req.string("GrantId").orElse(null);
    String granteeFilter = req.string("GranteePrincipal").orElse(null);
    KmsKey key = resolve(call, keyIdParam, true, false).key();
    authorize(call, key, "ListGrants", Map.of(), null, Set.of());
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
    int start = marker(req, grants.stream().map(s -> s.grant().grantId()).toList());
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
        KmsKey named = resolve(call, keyIdParam, true, false).key();
        if (key != null && named != key) {
          throw KmsException.notFound("Grant not found on key " + named.arn);
        }
      }
    } else if (keyIdParam != null && grantIdParam != null) {
      key = resolve(call, keyIdParam, true, false).key();
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
        accessRequest(call, key, "RetireGrant", Map.of(), null, Set.of(), null, Map.of());
    AccessDecision d =
        AccessEvaluator.evaluateRetireGrant(request, stored.grant(), call.iamPolicies);
    call.decided(d);
    if (!d.allowed()) {
      // Retiring is decided by the grant and the caller's IAM policies, never by the key policy.
      throw denied(call, "RetireGrant", key.arn, d, () -> true);
    }
    synchronized (lock) {
      key.grants.remove(stored);
    }
    return "{}";
  }

  private String revokeGrant(Call call, KmsRequest req) {
    String keyIdParam = req.requiredString("KeyId");
    String grantId = req.requiredString("GrantId");
    KmsKey key = resolve(call, keyIdParam, true, false).key();
    authorize(call, key, "RevokeGrant", Map.of(), null, Set.of());
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

  /** Validates presented grant tokens and returns the ids of the grants they name. */
  private Set<String> grantTokens(Call call, KmsRequest req) {
    List<String> presented = req.stringList("GrantTokens");
    Set<String> ids = tokens.grantIds(presented);
    call.grantTokenFingerprints = presented.stream().map(GrantTokens::fingerprint).toList();
    return ids;
  }

  // ---- authorization -----------------------------------------------------------------------

  private KeyStore.Resolved resolve(
      Call call, String keyIdParam, boolean crossAccount, boolean aliases) {
    KeyStore.Resolved r =
        store.resolve(keyIdParam, call.caller.accountId(), call.region, crossAccount, aliases);
    call.keyArn = r.key().arn;
    return r;
  }

  private void authorize(
      Call call,
      KmsKey key,
      String operation,
      Map<String, String> ctx,
      String requestAlias,
      Set<String> grantIds) {
    authorize(call, key, operation, ctx, requestAlias, grantIds, null, Map.of());
  }

  /**
   * @param requestFacts condition-key values taken from request parameters
   */
  private void authorize(
      Call call,
      KmsKey key,
      String operation,
      Map<String, String> ctx,
      String requestAlias,
      Set<String> grantIds,
      NewGrant newGrant,
      Map<String, List<String>> requestFacts) {
    AccessRequest request =
        accessRequest(call, key, operation, ctx, requestAlias, grantIds, newGrant, requestFacts);
    AccessDecision d =
        AccessEvaluator.evaluate(
            request, key.policy, call.iamPolicies, visibleGrants(key, grantIds));
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

  /** What a CreateGrant request asks for, for the grant condition keys. */
  private record NewGrant(
      String grantee,
      String retiring,
      Set<String> operations,
      Map<String, String> equals,
      Map<String, String> subset) {}

  private AccessRequest accessRequest(
      Call call,
      KmsKey key,
      String operation,
      Map<String, String> ctx,
      String requestAlias,
      Set<String> grantIds,
      NewGrant newGrant,
      Map<String, List<String>> requestFacts) {
    // kms:GrantIsForAWSResource is only put into the context for the grant operations that
    // document it (the evaluator knows which); the fact itself is true of any call through a
    // service.
    AccessRequest.Builder b =
        AccessRequest.builder()
            .caller(call.caller)
            .operation(operation)
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
    RequestFacts.onKey(b, operation, key.keyId, key.isPrimary(), aliasNames(key));
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
  private List<Grant> visibleGrants(KmsKey key, Set<String> grantIds) {
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
   * A grant that allows CreateGrant lets its grantee create only grants that are no broader:
   * operations within the parent's, and an encryption-context constraint at least as strict (KMS
   * developer guide, grant constraints). Policies that allow CreateGrant have no such limit.
   */
  private void checkDerivedGrant(
      Call call, KmsKey key, Map<String, String> ctx, Set<String> grantIds, NewGrant newGrant) {
    Set<String> ops = newGrant.operations();
    Map<String, String> equals = newGrant.equals();
    Map<String, String> subset = newGrant.subset();
    AccessRequest request =
        accessRequest(call, key, "CreateGrant", ctx, null, grantIds, newGrant, Map.of());
    if (AccessEvaluator.evaluate(request, key.policy, call.iamPolicies, List.of()).allowed()) {
      return;
    }
    for (Grant parent : visibleGrants(key, grantIds)) {
      if (AccessEvaluator.evaluate(request, key.policy, call.iamPolicies, List.of(parent)).allowed()
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

  /**
   * Permissions KMS controls in IAM policies only (CreateKey, ListKeys, ListAliases, the alias side
   * of alias operations): evaluated against a key policy that simply trusts the caller's account,
   * so that exactly the caller's IAM policies decide.
   */
  private void authorizeIdentityOnly(
      Call call,
      String operation,
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
            .operation(operation)
            .keyArn(resource)
            .keyAccountId(call.caller.accountId())
            .keyRegion(region)
            .viaService(call.viaService)
            .requestTime(now());
    callerFacts(b, call);
    requestFacts.forEach(b::contextValue);
    AccessRequest r = b.build();
    AccessDecision d = AccessEvaluator.evaluate(r, trust, call.iamPolicies, List.of());
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
  private static KmsException denied(
      Call call,
      String operation,
      String resource,
      AccessDecision d,
      BooleanSupplier keyPolicyAllows) {
    String base =
        "User: "
            + call.caller.arn()
            + " is not authorized to perform: kms:"
            + operation
            + " on resource: "
            + resource;
    return KmsException.accessDenied(
        d.effect() == Effect.EXPLICIT_DENY
            ? base + " with an explicit deny"
            : base
                + " because no "
                + (keyPolicyAllows.getAsBoolean() ? "identity" : "resource")
                + "-based policy allows the kms:"
                + operation
                + " action");
  }

  /**
   * The policy lockout safety check: the new key policy must allow the caller a later PutKeyPolicy,
   * either by naming the caller or by delegating to the caller's account. It is a check of the key
   * policy, so the caller's IAM side is assumed to allow (KMS cannot know what IAM policies will
   * say later); an explicit deny in the new policy still fails it.
   */
  private void lockoutCheck(Call call, PolicyDocument policy, String keyArn) {
    AccessRequest r =
        AccessRequest.builder()
            .caller(call.caller)
            .operation("PutKeyPolicy")
            .keyArn(keyArn)
            .build();
    AccessDecision d = AccessEvaluator.evaluate(r, policy, List.of(IAM_ALLOWS_KMS), List.of());
    if (!d.allowed()) {
      throw new KmsException(
          "MalformedPolicyDocumentException",
          "The new key policy will not " + "allow you to update the key policy in the future.");
    }
  }

  private static PolicyDocument parseKeyPolicy(String json) {
    int size = json.getBytes(StandardCharsets.UTF_8).length;
    if (size > PolicyDocument.KEY_POLICY_MAX_BYTES) {
      throw new KmsException(
          "LimitExceededException",
          "The key policy is "
              + size
              + " bytes; the key policy size quota is "
              + PolicyDocument.KEY_POLICY_MAX_BYTES
              + " bytes.");
    }
    try {
      return PolicyDocument.parseKeyPolicy(json);
    } catch (PolicyException e) {
      throw new KmsException("MalformedPolicyDocumentException", e.getMessage());
    }
  }

  // ---- key states --------------------------------------------------------------------------

  private static void requireUsable(KmsKey key) {
    switch (key.state) {
      case DISABLED -> throw KmsException.disabled(key.arn + " is disabled.");
      case PENDING_DELETION -> throw KmsException.invalidState(key.arn + " is pending deletion.");
      default -> {}
    }
  }

  private static void requireNotPendingDeletion(KmsKey key) {
    if (key.state == KeyState.PENDING_DELETION) {
      throw KmsException.invalidState(key.arn + " is pending deletion.");
    }
  }

  // ---- output helpers ----------------------------------------------------------------------

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

  private static int limit(KmsRequest req) {
    int limit = req.integer("Limit").orElse(100);
    if (limit < 1 || limit > 1000) {
      throw KmsException.validation(
          "1 validation error detected: Value '"
              + limit
              + "' at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000");
    }
    return limit;
  }

  /** Markers are the last id of the previous page; an unknown marker is a client error. */
  private static int marker(KmsRequest req, List<String> ids) {
    String marker = req.string("Marker").orElse(null);
    if (marker == null) {
      return 0;
    }
    int i = ids.indexOf(marker);
    if (i < 0) {
      throw new KmsException("InvalidMarkerException", "Invalid marker " + marker);
    }
    return i + 1;
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
