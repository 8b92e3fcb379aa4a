package dev.envelope.aws;

import dev.envelope.internal.text.UntrustedText;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;

/**
 * Turns a failed KMS request into a short list of likely causes, the way someone who knows KMS
 * triages it: first what the request itself tells (operation, key account versus caller account,
 * Region, alias or key, grant tokens, encryption context keys), then what KMS said (error code, and
 * for {@code AccessDeniedException} whether the message blames the key policy, the IAM policy or an
 * explicit deny), then the key's state from {@code DescribeKey} when the keyring was allowed to
 * ask.
 *
 * <p>Pure: no KMS calls here (those are in {@link KmsCalls}), so every rule is unit-testable.
 * Output never contains plaintext, key bytes or encryption context values, only context keys.
 */
final class KmsDiagnosis {
  /**
   * KMS (and IAM) denial messages start with "User: <principal arn> is not authorized to perform".
   */
  private static final Pattern CALLER =
      Pattern.compile("User: (arn:[\\x21-\\x7e]{1,512}) is not authorized");

  private static final Pattern PRINCIPAL_ACCOUNT =
      Pattern.compile("arn:[a-z0-9-]+:(?:iam|sts)::([0-9]{12}):.*");

  private KmsDiagnosis() {}

  /** What the failing request was. {@code keyId} is the ARN as sent (key or alias ARN). */
  record Request(
      String operation,
      String keyId,
      String region,
      Set<String> contextKeys,
      int grantTokenCount,
      String callerAccount) {
    Request {
      contextKeys = new TreeSet<>(contextKeys);
    }
  }

  /**
   * What {@code DescribeKey} said about the key, or why it could not be asked. All fields but
   * {@code note} are null when it was not called or failed.
   */
  record KeyFacts(
      String keyArn,
      String keyState,
      Boolean enabled,
      String keyManager,
      String keyUsage,
      String keySpec,
      Boolean multiRegion,
      Instant deletionDate,
      String note) {
    static KeyFacts notAsked() {
      return new KeyFacts(null, null, null, null, null, null, null, null, null);
    }

    static KeyFacts unavailable(String note) {
      return new KeyFacts(null, null, null, null, null, null, null, null, note);
    }

    boolean known() {
      return keyState != null;
    }
  }

  /**
   * The explanation lines, each starting with "- ", joined by newlines; empty if there is nothing
   * to say.
   */
  static String explain(Request request, String errorCode, String awsMessage, KeyFacts facts) {
    List<String> lines = new ArrayList<>();
    KmsArn key = KmsArn.tryParse(request.keyId());
    String callerArn = callerArn(awsMessage);
    String callerAccount = callerArn != null ? accountOf(callerArn) : null;
    if (callerAccount == null) {
      callerAccount = request.callerAccount();
    }
    boolean crossAccount =
        key != null && callerAccount != null && !callerAccount.equals(key.accountId());
    String action = "kms:" + request.operation();
    String code = errorCode == null ? "" : errorCode;

    switch (code) {
      case "AccessDeniedException" ->
          accessDenied(
              lines,
              request,
              key,
              callerArn,
              callerAccount,
              crossAccount,
              action,
              awsMessage == null ? "" : awsMessage,
              facts);
      case "DisabledException" -> {
        lines.add(
            "- The key is disabled. Enable it (EnableKey) if it should be in use"
                + (key != null && key.isMultiRegionKey()
                    ? "; each multi-Region replica is enabled or disabled on its own, so check the replica in "
                        + request.region()
                        + "."
                    : "."));
        if (!"Disabled".equals(facts.keyState())) {
          keyStateLine(lines, facts);
        }
      }
      case "KMSInvalidStateException" -> invalidState(lines, request, facts);
      case "NotFoundException" -> notFound(lines, request, key, crossAccount);
      case "InvalidCiphertextException" ->
          lines.add(
              "- KMS could not decrypt this ciphertext with this key and"
                  + " encryption context. Most often the encryption context differs from the one used to encrypt (keys"
                  + " and values must match exactly; this request had keys "
                  + UntrustedText.list(request.contextKeys())
                  + "), or the"
                  + " encrypted data key was altered or written by a different KMS (another account's or a local KMS).");
      case "IncorrectKeyException" ->
          lines.add(
              "- The ciphertext was encrypted under a different KMS key than "
                  + request.keyId()
                  + ". The encrypted data key's ARN and the configured key disagree: the message may"
                  + " have been tampered with, or a multi-Region key id was reused for unrelated keys.");
      case "InvalidGrantTokenException" ->
          lines.add(
              "- A grant token is not valid: malformed, expired, for a"
                  + " grant in another Region, or from a supplier returning stale tokens. Grant tokens are only needed"
                  + " until a new grant has propagated; drop old ones.");
      case "ThrottlingException" ->
          lines.add(
              "- The request rate is above the KMS quota for symmetric"
                  + " cryptographic operations in "
                  + (key != null ? "account " + key.accountId() + ", " : "")
                  + "Region "
                  + request.region()
                  + " (shared by every application using the account there), even after"
                  + " the client's retries. Cache data keys (CachingMaterialsManager) so that records share a data key,"
                  + " allow more attempts or adaptive retries on the client supplier, or ask for a quota increase.");
      case "KMSInternalException",
          "DependencyTimeoutException",
          "KeyUnavailableException",
          "ServiceUnavailableException" ->
          lines.add(
              "- A transient KMS or key store failure; retry later. If it"
                  + " persists for a key in a custom key store, check that the key store is connected.");
      case "InvalidKeyUsageException" -> {
        lines.add(
            "- The key cannot be used for "
                + action
                + ": envelope encryption needs a symmetric"
                + " ENCRYPT_DECRYPT key (SYMMETRIC_DEFAULT), not an asymmetric, HMAC or signing key.");
        if (facts.keyUsage() != null) {
          lines.add(
              "- DescribeKey: KeyUsage " + facts.keyUsage() + ", KeySpec " + facts.keySpec() + ".");
        }
      }
      case "UnrecognizedClientException",
          "InvalidSignatureException",
          "ExpiredTokenException",
          "InvalidClientTokenId",
          "IncompleteSignature" ->
          lines.add(
              "- KMS did not accept the credentials: they"
                  + " are wrong, expired (session credentials), or for another partition; or the client's clock is off."
                  + " This is not a key permission problem.");
      case "ValidationException", "InvalidArnException" ->
          lines.add(
              "- KMS rejected a parameter (key id,"
                  + " NumberOfBytes, grant tokens, encryption context). The message above says which.");
      case "" ->
          lines.add(
              "- The answer carried no KMS error code: something other than KMS (a proxy, load"
                  + " balancer or misconfigured endpoint) may have answered for Region "
                  + request.region()
                  + ".");
      default -> {
        // Unknown codes: say only what we know for sure.
      }
    }
    if (facts.note() != null) {
      lines.add("- " + facts.note());
    }
    return String.join("\n", lines);
  }

  /**
   * The explanation when no answer came from KMS at all ({@code failure} is the SDK's client-side
   * exception): either KMS could not be reached at {@code endpoint}, or the SDK failed before
   * sending (typically credentials). Says nothing about permissions or the key's state, which are
   * unknown.
   */
  static String explainNoAnswer(Request request, String endpoint, Throwable failure) {
    if (credentialsFailure(failure)) {
      return "- The AWS SDK could not get credentials, so nothing was sent to KMS. Check the credentials"
          + " provider (environment, profile, instance or container role).";
    }
    if (unreachable(failure)) {
      return "- The keyring could not reach KMS at "
          + endpoint
          + " for Region "
          + request.region()
          + " ("
          + noAnswerCause(failure)
          + "), so "
          + "kms:"
          + request.operation()
          + " was never decided: this says"
          + " nothing about the key or access to it. Check the endpoint (override, VPC endpoint, proxy) and that"
          + " it is reachable from here (DNS, routes, security groups, firewall); for timeouts, also the"
          + " client's apiCallTimeout and apiCallAttemptTimeout.";
    }
    return "- The AWS SDK failed before KMS answered ("
        + failure.getClass().getSimpleName()
        + "); nothing is"
        + " known about the key or access to it.";
  }

  /**
   * Whether the SDK failed to resolve credentials (checked first: a credentials provider that
   * cannot reach its own endpoint, such as the instance metadata service, fails with a network
   * error too).
   */
  static boolean credentialsFailure(Throwable failure) {
    String message = failure.getMessage();
    return message != null
        && message.toLowerCase(Locale.ROOT).contains("unable to load credentials");
  }

  /**
   * Whether {@code failure} means the KMS endpoint could not be reached or did not answer in time.
   */
  static boolean unreachable(Throwable failure) {
    if (credentialsFailure(failure)) {
      return false;
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ApiCallTimeoutException
          || t instanceof ApiCallAttemptTimeoutException
          || t instanceof IOException) {
        return true; // connect refused or timed out, unknown host, reset, TLS handshake, read
        // timeout
      }
    }
    return false;
  }

  /** A short cause for an unreachable endpoint: the network error, or which timeout expired. */
  static String noAnswerCause(Throwable failure) {
    Throwable io = null;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ApiCallAttemptTimeoutException) {
        return "no answer within the attempt timeout (apiCallAttemptTimeout)";
      }
      if (t instanceof ApiCallTimeoutException) {
        return "no answer within the call timeout (apiCallTimeout)";
      }
      if (t instanceof IOException && io == null) {
        io = t;
      }
    }
    if (io instanceof UnknownHostException) {
      return "unknown host " + io.getMessage();
    }
    if (io instanceof ConnectException) {
      String m = io.getMessage() == null ? "" : io.getMessage().toLowerCase(Locale.ROOT);
      return m.contains("refused")
          ? "connection refused"
          : "connection failed (" + io.getMessage() + ")";
    }
    if (io instanceof SocketTimeoutException || io instanceof InterruptedIOException) {
      return "timed out";
    }
    return io == null
        ? "no answer"
        : io.getClass().getSimpleName() + (io.getMessage() != null ? ": " + io.getMessage() : "");
  }

  private static void accessDenied(
      List<String> lines,
      Request request,
      KmsArn key,
      String callerArn,
      String callerAccount,
      boolean crossAccount,
      String action,
      String awsMessage,
      KeyFacts facts) {
    String keyAccount = key != null ? key.accountId() : "the key's account";
    String caller =
        callerArn != null
            ? callerArn
            : callerAccount != null ? "the caller (account " + callerAccount + ")" : "the caller";
    String lower = awsMessage.toLowerCase(Locale.ROOT);
    boolean explicitDeny = lower.contains("explicit deny");
    boolean keyPolicySide = lower.contains("no resource-based policy allows");
    boolean iamSide = lower.contains("no identity-based policy allows");

    if (explicitDeny) {
      lines.add(
          "- An explicit Deny applies (in the key policy, an IAM policy, a permissions boundary or an"
              + " SCP); a Deny overrides every Allow. Find the Deny statement for "
              + action
              + " and check its conditions (encryption context, kms:ViaService, source IP or VPC).");
    }
    if (crossAccount) {
      lines.add(
          "- Cross-account use: the key is in account "
              + keyAccount
              + ", the caller in account "
              + callerAccount
              + ". Both sides must allow it: the key policy in account "
              + keyAccount
              + " must allow "
              + caller
              + " (or account "
              + callerAccount
              + ") "
              + action
              + ", and an IAM policy in account "
              + callerAccount
              + " must allow "
              + action
              + " on resource "
              + (key != null && key.isKey() ? key : "the key ARN")
              + "."
              + (keyPolicySide ? " KMS says the key policy side is missing." : "")
              + (iamSide ? " KMS says the caller's IAM policy side is missing." : ""));
      if (key != null && key.isAlias()) {
        lines.add("- Aliases cannot be used across accounts: name the key by its key ARN.");
      }
    } else if (!explicitDeny) {
      if (keyPolicySide || !iamSide) {
        lines.add(
            "- The key policy does not allow "
                + caller
                + " "
                + action
                + " and does not delegate to IAM."
                + " Without a key policy statement allowing arn:aws:iam::"
                + keyAccount
                + ":root (the default"
                + " key policy), IAM policies in account "
                + keyAccount
                + " have no effect on this key.");
      }
      if (iamSide || !keyPolicySide) {
        lines.add(
            "- The key policy delegates to IAM but no IAM policy of "
                + caller
                + " allows "
                + action
                + " on "
                + (key != null && key.isKey() ? key : "the key ARN")
                + " (check also permissions"
                + " boundaries and SCPs).");
      }
    }
    String region = key != null ? key.region() : request.region();
    if (key != null && !region.equals(request.region())) {
      lines.add(
          "- The request went to Region "
              + request.region()
              + " but the key ARN names "
              + region
              + ".");
    }
    if (request.grantTokenCount() > 0) {
      lines.add(
          "- "
              + request.grantTokenCount()
              + " grant token(s) were passed: if access comes from a grant,"
              + " the token may be expired or for a retired or revoked grant, the grant may be for another grantee"
              + " or not include "
              + action
              + ", or its constraints may not match the encryption context.");
    } else {
      lines.add(
          "- If access comes from a grant created moments ago, pass its grant token: a new grant takes"
              + " up to a few minutes to be usable without one.");
    }
    if (isCryptoOperation(request.operation())) {
      lines.add(
          "- A policy condition (kms:EncryptionContext:<key>, kms:EncryptionContextKeys) or a grant"
              + " constraint (EncryptionContextEquals / EncryptionContextSubset) may require an encryption context"
              + " this request did not have; its context keys were "
              + UntrustedText.list(request.contextKeys())
              + ".");
    }
    keyStateLine(lines, facts);
  }

  private static void invalidState(List<String> lines, Request request, KeyFacts facts) {
    String state = facts.keyState();
    if (state == null) {
      lines.add(
          "- The key is not in a state that allows "
              + "kms:"
              + request.operation()
              + ": it is disabled, pending deletion, pending import of key material, or (for a multi-Region key)"
              + " a replica is being created or deleted.");
      return;
    }
    switch (state) {
      case "PendingDeletion" ->
          lines.add(
              "- The key is scheduled for deletion"
                  + (facts.deletionDate() != null ? " on " + facts.deletionDate() : "")
                  + ". If it is still needed, CancelKeyDeletion and then EnableKey before that date; after it, data"
                  + " encrypted under it cannot be decrypted.");
      case "PendingReplicaDeletion" ->
          lines.add(
              "- The multi-Region key is waiting for its replicas to be"
                  + " deleted before it is deleted itself.");
      case "PendingImport" ->
          lines.add("- The key has no key material yet: import it (ImportKeyMaterial).");
      case "Disabled" -> lines.add("- The key is disabled: EnableKey.");
      case "Unavailable" ->
          lines.add("- The key's custom key store is disconnected: reconnect it.");
      case "Creating", "Updating" ->
          lines.add("- The key (or replica) is being created or updated; retry soon.");
      default -> lines.add("- DescribeKey reports KeyState " + state + ".");
    }
  }

  private static void notFound(
      List<String> lines, Request request, KmsArn key, boolean crossAccount) {
    if (key != null && key.isAlias()) {
      lines.add(
          "- No alias "
              + key.resourceId()
              + " in account "
              + key.accountId()
              + ", Region "
              + key.region()
              + ". Aliases are per account and Region, and an alias cannot be used from another account: use the"
              + " key ARN.");
    } else if (key != null && key.isMultiRegionKey()) {
      lines.add(
          "- No replica of multi-Region key "
              + key.resourceId()
              + " in Region "
              + request.region()
              + " of account "
              + key.accountId()
              + ": replicate it there (ReplicateKey) or configure a Region that"
              + " has one.");
    } else {
      lines.add(
          "- No such key in account "
              + (key != null ? key.accountId() : "?")
              + ", Region "
              + request.region()
              + ". Keys are Regional: check the Region and the account of the ARN"
              + (crossAccount ? " (the caller is in another account)" : "")
              + ", and that the key was not deleted.");
    }
  }

  private static void keyStateLine(List<String> lines, KeyFacts facts) {
    if (!facts.known()) {
      return;
    }
    String state = facts.keyState();
    if ("Disabled".equals(state)) {
      lines.add("- DescribeKey: the key is Disabled; enable it (EnableKey).");
    } else if ("PendingDeletion".equals(state)) {
      lines.add(
          "- DescribeKey: the key is PendingDeletion"
              + (facts.deletionDate() != null ? " (deletion on " + facts.deletionDate() + ")" : "")
              + "; CancelKeyDeletion if it is still needed.");
    } else {
      lines.add(
          "- DescribeKey: KeyState "
              + state
              + (facts.keyManager() != null ? ", KeyManager " + facts.keyManager() : "")
              + (Boolean.TRUE.equals(facts.multiRegion()) ? ", multi-Region" : "")
              + ".");
    }
  }

  private static boolean isCryptoOperation(String operation) {
    return switch (operation) {
      case "Decrypt",
          "Encrypt",
          "GenerateDataKey",
          "GenerateDataKeyWithoutPlaintext",
          "ReEncrypt" ->
          true;
      default -> false;
    };
  }

  /**
   * The account an access key id belongs to, decoded without STS: newer {@code AKIA}/{@code ASIA}
   * key ids carry the account id in bits 1-40 of their base32 payload (what {@code
   * sts:GetAccessKeyInfo} reports). Null for ids that do not have that shape. Old key ids do not
   * encode the account, so the result is only used for a hint, never for a decision.
   */
  static String accountFromAccessKeyId(String accessKeyId) {
    if (accessKeyId == null
        || accessKeyId.length() != 20
        || !(accessKeyId.startsWith("AKIA") || accessKeyId.startsWith("ASIA"))
        || !accessKeyId
            .substring(4)
            .chars()
            .allMatch(c -> c >= 'A' && c <= 'Z' || c >= '2' && c <= '7')) {
      return null;
    }
    // The first 48 bits of the base32 payload: 10 characters give 50 bits, drop the last 2.
    String payload = accessKeyId.substring(4, 14);
    long value = 0;
    for (int i = 0; i < payload.length(); i++) {
      char c = payload.charAt(i);
      int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= '2' && c <= '7' ? c - '2' + 26 : -1;
      if (v < 0) {
        return null;
      }
      value = (value << 5) | v;
    }
    long account = ((value >>> 2) & 0x7fffffffff80L) >>> 7;
    return String.format("%012d", account);
  }

  /** The caller's principal ARN as KMS names it in an access-denied message, or null. */
  static String callerArn(String awsMessage) {
    if (awsMessage == null) {
      return null;
    }
    Matcher m = CALLER.matcher(awsMessage);
    return m.find() ? m.group(1) : null;
  }

  /**
   * The account of a principal ARN ({@code arn:aws:iam::ACCOUNT:role/x} or {@code
   * arn:aws:sts::...}), or null.
   */
  static String accountOf(String principalArn) {
    Matcher m = PRINCIPAL_ACCOUNT.matcher(principalArn);
    return m.matches() ? m.group(1) : null;
  }
}
