package dev.envelope.aws.local;

import dev.envelope.aws.internal.json.JsonOutput;
import dev.envelope.aws.policy.KmsOperation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The alias operations. An alias operation is authorized twice: on the alias, by IAM policies only,
 * and on each key it names, by that key's policy.
 */
final class AliasHandlers {
  private static final Pattern ALIAS_NAME = Pattern.compile("alias/[a-zA-Z0-9/_-]+");

  private final KeyStore store;
  private final Authorizer auth;
  private final Clock clock;
  private final Object lock;

  AliasHandlers(KeyStore store, Authorizer auth, Clock clock, Object lock) {
    this.store = store;
    this.auth = auth;
    this.clock = clock;
    this.lock = lock;
  }

  void registerIn(OperationTable.Registry table) {
    table.register(KmsOperation.CREATE_ALIAS, this::createAlias);
    table.register(KmsOperation.UPDATE_ALIAS, this::updateAlias);
    table.register(KmsOperation.DELETE_ALIAS, this::deleteAlias);
    table.register(KmsOperation.LIST_ALIASES, this::listAliases);
  }

  private String createAlias(Call call, KmsRequest req) {
    String name = req.requiredString("AliasName");
    String target = req.requiredString("TargetKeyId");
    validateAliasName(name);
    KmsKey key = auth.resolve(call, target, false, false).key();
    String aliasArn = KmsAlias.arn(call.region, call.caller.accountId(), name);
    // Two resources: the alias (IAM policy only) and the key (key policy).
    auth.authorizeIdentityOnly(call, KmsOperation.CREATE_ALIAS, aliasArn, call.region, Map.of());
    auth.authorize(call, key, KmsOperation.CREATE_ALIAS, Map.of(), null, Set.of());
    synchronized (lock) {
      Authorizer.requireNotPendingDeletion(key);
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
    KmsKey newKey = auth.resolve(call, target, false, false).key();
    KmsKey oldKey = store.find(call.region, call.caller.accountId(), alias.targetKeyId);
    auth.authorizeIdentityOnly(call, KmsOperation.UPDATE_ALIAS, alias.arn, call.region, Map.of());
    if (oldKey != null) {
      auth.authorize(call, oldKey, KmsOperation.UPDATE_ALIAS, Map.of(), null, Set.of());
    }
    auth.authorize(call, newKey, KmsOperation.UPDATE_ALIAS, Map.of(), null, Set.of());
    synchronized (lock) {
      Authorizer.requireNotPendingDeletion(newKey);
      alias.targetKeyId = newKey.keyId;
      alias.lastUpdatedDate = now();
    }
    return "{}";
  }

  private String deleteAlias(Call call, KmsRequest req) {
    KmsAlias alias = existingAlias(call, req.requiredString("AliasName"));
    KmsKey key = store.find(call.region, call.caller.accountId(), alias.targetKeyId);
    auth.authorizeIdentityOnly(call, KmsOperation.DELETE_ALIAS, alias.arn, call.region, Map.of());
    if (key != null) {
      auth.authorize(call, key, KmsOperation.DELETE_ALIAS, Map.of(), null, Set.of());
    }
    synchronized (lock) {
      store.removeAlias(alias);
    }
    return "{}";
  }

  private String listAliases(Call call, KmsRequest req) {
    int limit = Paging.limit(req);
    String keyFilter =
        req.string("KeyId").map(k -> auth.resolve(call, k, false, false).key().keyId).orElse(null);
    auth.authorizeIdentityOnly(call, KmsOperation.LIST_ALIASES, "*", call.region, Map.of());
    List<KmsAlias> aliases = new ArrayList<>();
    for (KmsAlias a : store.aliases(call.region, call.caller.accountId())) {
      if (keyFilter == null || keyFilter.equals(a.targetKeyId)) {
        aliases.add(a);
      }
    }
    int start = Paging.marker(req, aliases.stream().map(a -> a.name).toList());
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

  private Instant now() {
    return clock.instant();
  }
}
