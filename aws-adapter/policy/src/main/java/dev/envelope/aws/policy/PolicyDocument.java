package dev.envelope.aws.policy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed IAM-style policy: a KMS key policy or an IAM identity policy. Immutable and thread-safe.
 * {@link #parse} validates structure, condition operators and condition keys, so a document that
 * parses is one the evaluator can decide without guessing.
 */
public final class PolicyDocument {
  /** The maximum size of a KMS key policy, in bytes of UTF-8. */
  public static final int KEY_POLICY_MAX_BYTES = 32768;

  private final String json;
  private final String version;
  private final String id;
  private final String name;
  private final List<Statement> statements;

  PolicyDocument(String json, String version, String id, String name, List<Statement> statements) {
    this.json = json;
    this.version = version;
    this.id = id;
    this.name = name;
    this.statements = List.copyOf(statements);
  }

  /**
   * The key policy KMS gives a key created without one ("Enable IAM User Permissions"): the account
   * is trusted with {@code kms:*}, so the account's IAM policies decide.
   */
  public static String defaultKeyPolicyJson(String accountId) {
    return "{\"Version\":\"2012-10-17\",\"Id\":\"key-default-1\",\"Statement\":[{\"Sid\":"
        + "\"Enable IAM User Permissions\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
        + "\"arn:aws:iam::"
        + accountId
        + ":root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";
  }

  /**
   * Parses a policy.
   *
   * @throws PolicyException for malformed JSON, a missing or invalid Effect, Action, Resource or
   *     Statement, unknown elements, unknown condition operators or keys, or invalid principals
   */
  public static PolicyDocument parse(String json) {
    return PolicyParser.parse(Objects.requireNonNull(json, "json"), null);
  }

  /**
   * Parses a KMS key policy: as {@link #parse}, and also rejects statements without Principal or
   * NotPrincipal and documents over {@value #KEY_POLICY_MAX_BYTES} bytes, as KMS does.
   */
  public static PolicyDocument parseKeyPolicy(String json) {
    PolicyDocument doc = parseKeyPolicyElements(json);
    if (doc.sizeInBytes() > KEY_POLICY_MAX_BYTES) {
      throw new PolicyException(
          "Key policy is "
              + doc.sizeInBytes()
              + " bytes; KMS allows at most "
              + KEY_POLICY_MAX_BYTES
              + ".");
    }
    for (Statement s : doc.statements) {
      if (!s.hasPrincipal()) {
        throw new PolicyException(
            "Key policy "
                + s.label()
                + " has no Principal; every key policy statement must name"
                + " the principals it applies to.");
      }
    }
    return doc;
  }

  /**
   * Parses the elements of a key policy as KMS reads them, without the size limit and the check
   * that every statement names a principal: as {@link #parse}, except that a statement without
   * Action or without Resource is accepted and has no effect ({@link Statement#ineffective()}), as
   * the PutKeyPolicy API reference documents. {@link KeyPolicyValidator} adds KMS's other checks.
   */
  public static PolicyDocument parseKeyPolicyElements(String json) {
    return PolicyParser.parse(Objects.requireNonNull(json, "json"), null, true);
  }

  /**
   * Parses an IAM identity policy: as {@link #parse}, and also rejects Principal and NotPrincipal,
   * which identity policies may not contain.
   */
  public static PolicyDocument parseIdentityPolicy(String json) {
    PolicyDocument doc = parse(json);
    for (Statement s : doc.statements) {
      if (s.hasPrincipal()) {
        throw new PolicyException(
            "Identity policy "
                + s.label()
                + " has a Principal or NotPrincipal element; identity"
                + " policies apply to the identity they are attached to and may not name one.");
      }
    }
    return doc;
  }

  /** A copy of this document carrying a display name (e.g. the IAM policy's name) for chains. */
  public PolicyDocument withName(String name) {
    return new PolicyDocument(json, version, id, name, statements);
  }

  /**
   * What this policy could allow at best when a request is shaped to fit it, keeping only the
   * conditions on who the caller is ({@link Condition#identifiesPrincipal()}): Allow statements
   * lose their other conditions, and Deny statements with other conditions are dropped, since a
   * request may avoid them. The access report uses it, as IAM Access Analyzer does, to tell access
   * under conditions from no access.
   */
  public PolicyDocument relaxed() {
    List<Statement> out = new java.util.ArrayList<>();
    for (Statement s : statements) {
      List<Condition> kept =
          s.conditions().stream().filter(Condition::identifiesPrincipal).toList();
      if (s.effect() == StatementEffect.DENY && kept.size() != s.conditions().size()) {
        continue;
      }
      out.add(s.withConditions(kept));
    }
    return new PolicyDocument(json, version, id, name, out);
  }

  /** The original text. */
  public String json() {
    return json;
  }

  /** UTF-8 size of {@link #json()}. */
  public int sizeInBytes() {
    return json.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The Version element, if present. */
  public Optional<String> version() {
    return Optional.ofNullable(version);
  }

  /** The Id element, if present. */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** The display name given with {@link #withName}, if any. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  public List<Statement> statements() {
    return statements;
  }

  @Override
  public String toString() {
    return "PolicyDocument" + (name != null ? "[" + name + "]" : "") + statements;
  }
}
