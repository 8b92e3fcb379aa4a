package dev.envelope.aws.local;

import dev.envelope.aws.policy.KmsOperation;
import dev.envelope.aws.policy.Organization;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one table from KMS operation to handler, and the front of every call: the request quota, then
 * the handler. The handlers are grouped by concern (keys, aliases, cryptographic operations,
 * grants) and share one {@link Authorizer} for authorization and key-state checks.
 *
 * <p>The cryptographic operations run without a lock (keys publish their state through volatile
 * fields); operations that change keys, aliases or grants take one lock so that check-then-act
 * sequences (alias exists? grant name taken?) are atomic.
 */
final class OperationTable {
  /** Adds handlers to the table; each operation once. */
  interface Registry {
    void register(KmsOperation operation, OperationHandler handler);
  }

  private final Map<KmsOperation, OperationHandler> handlers;
  private final RequestQuota quota;
  private final GrantHandlers grants;

  OperationTable(
      KeyStore store,
      GrantTokens tokens,
      RequestQuota quota,
      SecureRandom random,
      Clock clock,
      Duration grantPropagationDelay,
      Organization organization) {
    this.quota = quota;
    Authorizer auth = new Authorizer(store, tokens, clock, organization);
    Object lock = new Object();
    this.grants =
        new GrantHandlers(store, auth, tokens, random, clock, lock, grantPropagationDelay);
    Map<KmsOperation, OperationHandler> table = new EnumMap<>(KmsOperation.class);
    Registry registry =
        (operation, handler) -> {
          if (table.putIfAbsent(operation, handler) != null) {
            throw new IllegalStateException(operation + " has two handlers");
          }
        };
    new KeyHandlers(store, auth, random, clock, lock).registerIn(registry);
    new AliasHandlers(store, auth, clock, lock).registerIn(registry);
    new CryptoHandlers(store, auth, random).registerIn(registry);
    grants.registerIn(registry);
    Set<KmsOperation> declared =
        Arrays.stream(KmsOperation.values())
            .filter(KmsOperation::implementedLocally)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(KmsOperation.class)));
    if (!declared.equals(table.keySet())) {
      // KmsOperation says which operations the local KMS implements; the table must agree.
      throw new IllegalStateException(
          "Local KMS handlers "
              + table.keySet()
              + " differ from the operations KmsOperation marks as implemented locally "
              + declared);
    }
    this.handlers = Collections.unmodifiableMap(table);
  }

  /** Whether the local KMS implements the API operation of exactly this name. */
  static boolean implemented(String operation) {
    return KmsOperation.byName(operation)
        .filter(KmsOperation::isApiOperation)
        .filter(KmsOperation::implementedLocally)
        .isPresent();
  }

  void setGrantPropagationDelay(Duration delay) {
    grants.setGrantPropagationDelay(delay);
  }

  /** Runs one call: the request quota first, as the service throttles before it looks further. */
  String invoke(String operation, Call call, KmsRequest req) {
    KmsOperation op =
        KmsOperation.byName(operation).filter(KmsOperation::isApiOperation).orElse(null);
    OperationHandler handler = op == null ? null : handlers.get(op);
    if (op != null
        && !quota.tryAcquire(op, call.caller.accountId(), call.region, System.nanoTime())) {
      throw new KmsException("ThrottlingException", "Rate exceeded");
    }
    if (handler == null) {
      throw new KmsException(
          "UnknownOperationException", "The local KMS does not implement " + operation);
    }
    return handler.handle(call, req);
  }
}
