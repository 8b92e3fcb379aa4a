package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.KeyPolicyProblem;
import dev.envelope.aws.policy.KeyPolicyValidator;
import dev.envelope.aws.policy.PolicyDocument;
import dev.envelope.aws.policy.PolicyException;
import dev.envelope.aws.policy.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A policy read for linting: the statements that parse, each with its line, and findings for those
 * that do not. Parsing is the strict {@link PolicyDocument} parser; when it rejects the document,
 * statements are parsed one at a time so that the others can still be linted.
 */
final class LintedPolicy {
  enum Kind {
    KEY_POLICY,
    IAM_POLICY
  }

  private static final String WRAP_HEAD = "{\"Version\":\"2012-10-17\",\"Statement\":[";
  private static final String WRAP_TAIL = "]}";

  final String source;
  final Kind kind;
  final String json;
  final List<LintedStatement> statements;

  /** True if some statement or the document itself did not parse. */
  final boolean incomplete;

  private LintedPolicy(
      String source, Kind kind, String json, List<LintedStatement> statements, boolean incomplete) {
    this.source = source;
    this.kind = kind;
    this.json = json;
    this.statements = List.copyOf(statements);
    this.incomplete = incomplete;
  }

  /**
   * Reads a policy, adding INVALID_STATEMENT findings to {@code findings}.
   *
   * @throws PolicyException if the text is not JSON at all
   */
  static LintedPolicy read(String source, Kind kind, String json, List<Finding> findings) {
    StatementLocator.Located located = StatementLocator.locate(json);
    List<LintedStatement> out = new ArrayList<>();
    try {
      PolicyDocument doc = parse(kind, json);
      for (Statement s : doc.statements()) {
        int line = s.index() < located.spans().size() ? located.spans().get(s.index()).line() : 1;
        out.add(new LintedStatement(s.index(), line, s));
      }
      boolean bad = checkPrincipals(source, kind, out, findings);
      return new LintedPolicy(source, kind, json, out, bad);
    } catch (PolicyException whole) {
      if (!located.topLevelObject() || located.statementMember() == 0) {
        findings.add(
            invalid(source, -1, null, Math.max(1, located.statementMember()), words(kind, whole)));
        return new LintedPolicy(source, kind, json, List.of(), true);
      }
      int failures = 0;
      List<StatementLocator.Span> spans = located.spans();
      for (int i = 0; i < spans.size(); i++) {
        StatementLocator.Span span = spans.get(i);
        try {
          Statement s = parse(kind, WRAP_HEAD + span.text() + WRAP_TAIL).statements().get(0);
          out.add(new LintedStatement(i, span.line(), s));
        } catch (PolicyException e) {
          failures++;
          findings.add(invalid(source, i, span.sid(), span.line(), renumber(words(kind, e), i)));
        }
      }
      if (failures == 0) {
        // Every statement parses alone: the problem is at document level (Version, Id, ...).
        findings.add(invalid(source, -1, null, 1, words(kind, whole)));
      }
      checkPrincipals(source, kind, out, findings);
      return new LintedPolicy(source, kind, json, out, true);
    }
  }

  /**
   * Key policies are read as KMS reads them (see {@link PolicyDocument#parseKeyPolicyElements}).
   */
  private static PolicyDocument parse(Kind kind, String json) {
    return kind == Kind.KEY_POLICY
        ? PolicyDocument.parseKeyPolicyElements(json)
        : PolicyDocument.parse(json);
  }

  /** Key policy statements need a principal; identity policy statements must not have one. */
  private static boolean checkPrincipals(
      String source, Kind kind, List<LintedStatement> statements, List<Finding> findings) {
    boolean bad = false;
    for (LintedStatement ls : statements) {
      Statement s = ls.statement();
      if (kind == Kind.KEY_POLICY && !s.hasPrincipal()) {
        bad = true;
        findings.add(
            invalid(
                source,
                ls.index(),
                ls.sid(),
                ls.line(),
                "Key policy statement has no Principal; KMS rejects the policy. Add the principals"
                    + " it applies to."));
      } else if (kind == Kind.IAM_POLICY && s.hasPrincipal()) {
        bad = true;
        findings.add(
            invalid(
                source,
                ls.index(),
                ls.sid(),
                ls.line(),
                "Identity policy statement has a Principal or NotPrincipal; IAM rejects it. Remove"
                    + " it: an identity policy applies to the identity it is attached to."));
      }
    }
    return bad;
  }

  /**
   * For a key policy, what KMS answers ({@link KeyPolicyValidator#problemOf}): its error code and
   * message, so that the finding reads as the CreateKey or PutKeyPolicy failure it predicts.
   */
  private static String words(Kind kind, PolicyException e) {
    if (kind != Kind.KEY_POLICY) {
      return e.getMessage();
    }
    KeyPolicyProblem p = KeyPolicyValidator.problemOf(e);
    return p.errorCode() + ": " + p.message();
  }

  /** Messages from the single-statement parse say "Statement #0"; give the real index. */
  private static String renumber(String message, int index) {
    return message.replace("Statement #0", "Statement #" + index);
  }

  private static Finding invalid(String source, int index, String sid, int line, String message) {
    return new Finding(
        LintRule.INVALID_STATEMENT,
        source,
        index,
        sid,
        line,
        message,
        "Correct the element as the message says; the parser accepts only documented KMS and"
            + " global condition keys and IAM condition operators.");
  }
}
