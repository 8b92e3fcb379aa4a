package dev.envelope.aws.policy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * KMS's own checks on a key policy, in one place: the local KMS refuses a CreateKey, PutKeyPolicy
 * or ReplicateKey whose policy has a problem (the first, with KMS's error code and message), and
 * the linter reports every problem before deployment, so that the two cannot disagree.
 *
 * <p>Sources (KMS developer guide unless said otherwise): "Key policy format" (32 KB, the allowed
 * characters), "Default key policy" and the PutKeyPolicy API reference (the lockout safety check,
 * "Each statement in the key policy must contain one or more principals", a statement without
 * Action or Resource is accepted and has no effect), "AWS KMS condition keys" (ForAllValues with
 * kms:EncryptionContext:context-key or aws:RequestTag/tag-key fails with
 * OverlyPermissiveCondition), "Resource quotas" (key policy document size).
 *
 * <p>KMS also refuses principals that do not exist; the validator cannot know which do, so it
 * checks only that each principal is well formed.
 */
public final class KeyPolicyValidator {
  static final String MALFORMED = "MalformedPolicyDocumentException";
  static final String LIMIT_EXCEEDED = "LimitExceededException";

  /** The message KMS answers for a principal it cannot use. */
  public static final String INVALID_PRINCIPALS_MESSAGE =
      "Policy contains a statement with one or more invalid principals.";

  /** The message of the policy lockout safety check. */
  public static final String LOCKOUT_MESSAGE =
      "The new key policy will not allow you to update the key policy in the future.";

  private static final String ENCRYPTION_CONTEXT = "kms:encryptioncontext:";
  private static final String REQUEST_TAG = "aws:requesttag/";

  /** A full IAM side, so that the lockout check asks the key policy alone. */
  private static final PolicyDocument IAM_ALLOWS_KMS =
      PolicyDocument.parseIdentityPolicy(
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\","
              + "\"Resource\":\"*\"}]}");

  /**
   * The outcome of {@link #check}: the parsed policy (empty if it does not parse) and the problems,
   * in the order KMS checks them.
   */
  public record Result(Optional<PolicyDocument> policy, List<KeyPolicyProblem> problems) {
    public Result {
      problems = List.copyOf(problems);
    }

    public boolean accepted() {
      return problems.isEmpty();
    }
  }

  private KeyPolicyValidator() {}

  /**
   * Every problem KMS would find in this key policy, without the lockout check (which depends on
   * the caller; see {@link #lockout}).
   */
  public static Result check(String json) {
    List<KeyPolicyProblem> problems = new ArrayList<>();
    int size = json.getBytes(StandardCharsets.UTF_8).length;
    if (size > PolicyDocument.KEY_POLICY_MAX_BYTES) {
      problems.add(
          new KeyPolicyProblem(
              KeyPolicyProblem.Kind.TOO_LARGE,
              LIMIT_EXCEEDED,
              "The key policy is "
                  + size
                  + " bytes; a key policy document can be at most "
                  + PolicyDocument.KEY_POLICY_MAX_BYTES
                  + " bytes (32 KB).",
              -1));
    }
    invalidCharacter(json).ifPresent(problems::add);
    PolicyDocument doc;
    try {
      doc = PolicyDocument.parseKeyPolicyElements(json);
    } catch (PolicyException e) {
      problems.add(fromParser(e));
      return new Result(Optional.empty(), problems);
    }
    for (Statement s : doc.statements()) {
      if (!s.hasPrincipal()) {
        problems.add(
            new KeyPolicyProblem(
                KeyPolicyProblem.Kind.MISSING_PRINCIPAL,
                MALFORMED,
                "Policy contains a statement without a principal ("
                    + s.label()
                    + "); each statement in a key policy must contain one or more principals.",
                s.index()));
      }
      overlyPermissive(s).ifPresent(problems::add);
    }
    return new Result(Optional.of(doc), problems);
  }

  /**
   * The policy lockout safety check: the new policy must allow the caller a later PutKeyPolicy, by
   * naming the caller or by delegating to its account. The caller's IAM side is taken to allow,
   * since KMS cannot know what IAM policies will say later; a Deny in the new policy still fails.
   */
  public static Optional<KeyPolicyProblem> lockout(
      PolicyDocument policy, CallerIdentity caller, String keyArn) {
    AccessRequest r =
        AccessRequest.builder()
            .caller(caller)
            .operation(KmsOperation.PUT_KEY_POLICY.operationName())
            .keyArn(keyArn)
            .build();
    if (AccessEvaluator.evaluate(r, policy, List.of(IAM_ALLOWS_KMS), List.of()).allowed()) {
      return Optional.empty();
    }
    return Optional.of(
        new KeyPolicyProblem(KeyPolicyProblem.Kind.LOCKOUT, MALFORMED, LOCKOUT_MESSAGE, -1));
  }

  /**
   * How KMS answers a key policy the parser rejects: the error code and KMS's message for the kind
   * of problem (the linter words its findings for key policies this way).
   */
  public static KeyPolicyProblem problemOf(PolicyException e) {
    return fromParser(e);
  }

  private static KeyPolicyProblem fromParser(PolicyException e) {
    return switch (e.reason()) {
      case INVALID_PRINCIPAL ->
          new KeyPolicyProblem(
              KeyPolicyProblem.Kind.INVALID_PRINCIPAL,
              MALFORMED,
              INVALID_PRINCIPALS_MESSAGE + " " + e.getMessage(),
              -1);
      case UNKNOWN_OPERATOR ->
          new KeyPolicyProblem(
              KeyPolicyProblem.Kind.UNKNOWN_CONDITION_OPERATOR,
              MALFORMED,
              "Policy contains a statement with an invalid condition operator. " + e.getMessage(),
              -1);
      case UNKNOWN_CONDITION_KEY ->
          new KeyPolicyProblem(
              KeyPolicyProblem.Kind.UNKNOWN_CONDITION_KEY, MALFORMED, e.getMessage(), -1);
      case INVALID_CONDITION_VALUE ->
          new KeyPolicyProblem(
              KeyPolicyProblem.Kind.INVALID_CONDITION_VALUE, MALFORMED, e.getMessage(), -1);
      case MALFORMED ->
          new KeyPolicyProblem(KeyPolicyProblem.Kind.MALFORMED, MALFORMED, e.getMessage(), -1);
    };
  }

  /**
   * "A key policy document can include only the following characters: printable ASCII characters;
   * printable characters in the Basic Latin and Latin-1 Supplement character set; the tab, line
   * feed, and carriage return special characters" (Key policy format).
   */
  private static Optional<KeyPolicyProblem> invalidCharacter(String json) {
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      boolean ok =
          c == '\t'
              || c == '\n'
              || c == '\r'
              || (c >= 0x20 && c <= 0x7e)
              || (c >= 0xa0 && c <= 0xff);
      if (!ok) {
        int cp = json.codePointAt(i);
        return Optional.of(
            new KeyPolicyProblem(
                KeyPolicyProblem.Kind.INVALID_CHARACTERS,
                MALFORMED,
                String.format(
                    Locale.ROOT,
                    "Policy contains the character U+%04X at offset %d; a key policy can include"
                        + " only printable ASCII and Latin-1 characters, tab, line feed and"
                        + " carriage return.",
                    cp,
                    i),
                -1));
      }
    }
    return Optional.empty();
  }

  /**
   * ForAllValues on kms:EncryptionContext:context-key or aws:RequestTag/tag-key, which KMS refuses
   * with OverlyPermissiveCondition ("AWS KMS condition keys", kms:EncryptionContext:context-key).
   * ForAnyValue on them is pointless but not overly permissive, and KMS documents no error for it:
   * the linter warns about it instead.
   */
  private static Optional<KeyPolicyProblem> overlyPermissive(Statement s) {
    for (Condition c : s.conditions()) {
      if (c.setQualifier() != Condition.SetQualifier.FOR_ALL_VALUES) {
        continue;
      }
      String key = c.key().toLowerCase(Locale.ROOT);
      String what;
      String tag;
      if (key.startsWith(ENCRYPTION_CONTEXT)) {
        what = "encryption context";
        tag = "EncryptionContext";
      } else if (key.startsWith(REQUEST_TAG)) {
        what = "tag";
        tag = "RequestTag";
      } else {
        continue;
      }
      return Optional.of(
          new KeyPolicyProblem(
              KeyPolicyProblem.Kind.OVERLY_PERMISSIVE_CONDITION,
              MALFORMED,
              "OverlyPermissiveCondition:"
                  + tag
                  + ": Using the ForAllValues set operator with a single-valued condition key"
                  + " matches requests without the specified "
                  + what
                  + " or with an unspecified "
                  + what
                  + ". To fix, remove ForAllValues.",
              s.index()));
    }
    return Optional.empty();
  }
}
