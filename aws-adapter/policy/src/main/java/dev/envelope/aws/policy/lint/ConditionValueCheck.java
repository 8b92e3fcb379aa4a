package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Condition;
import dev.envelope.aws.policy.ConditionKeyType;
import dev.envelope.aws.policy.KmsOperation;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * ENV-KP-020: condition values that can never equal (or be like) any value KMS or IAM puts into the
 * key, by the key's documented format (KMS developer guide, "AWS KMS condition keys"; IAM User
 * Guide, "AWS global condition context keys"). Only String and Arn comparisons are checked (the
 * parser already rejects malformed dates, numbers, booleans and addresses for their operators); a
 * value with a policy variable is skipped, and a Like value with wildcards is checked only against
 * formats that are closed lists.
 */
final class ConditionValueCheck implements Check {
  /** A format: a test of a literal value and how to describe what is expected. */
  private record Format(Predicate<String> accepts, String expected, List<String> closedList) {
    static Format pattern(String regex, String expected) {
      Pattern p = Pattern.compile(regex);
      return new Format(v -> p.matcher(v).matches(), expected, null);
    }

    static Format oneOf(String expected, String... values) {
      List<String> list = List.of(values);
      return new Format(list::contains, expected, list);
    }
  }

  private static final Format ACCOUNT = Format.pattern("\\d{12}", "a 12-digit account id");
  private static final Format SERVICE =
      Format.pattern(
          "[a-z0-9-]+\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?",
          "a service endpoint name such as s3.us-east-1.amazonaws.com");
  private static final Format ALIAS =
      Format.pattern("alias/[a-zA-Z0-9/_-]+", "an alias name such as alias/finance-key");
  private static final Format ENUM_CONSTANT =
      Format.pattern(
          "[A-Z0-9_]+", "an upper-case constant of the KMS API such as SYMMETRIC_DEFAULT");
  private static final Format ORG_ID =
      Format.pattern("o-[a-z0-9]{10,32}", "an organization id such as o-a1b2c3d4e5");
  private static final Format REGION =
      Format.pattern("[a-z]{2}(-[a-z]+)+-\\d", "a Region name such as us-east-1");
  private static final Format BOOLEAN = Format.oneOf("true or false", "true", "false");
  private static final Format ARN =
      Format.pattern("arn:[^:]+:[^:]*:[^:]*:[^:]*:.+", "an ARN (arn:partition:service:...)");
  private static final Format GRANT_OPERATION =
      new Format(
          v -> KmsOperation.byName(v).filter(KmsOperation::grantable).isPresent(),
          "a grant operation as KMS spells it, such as Decrypt or GenerateDataKey",
          java.util.Arrays.stream(KmsOperation.values())
              .filter(KmsOperation::grantable)
              .map(KmsOperation::operationName)
              .toList());

  private static final Map<String, Format> FORMATS =
      Map.ofEntries(
          Map.entry("kms:calleraccount", ACCOUNT),
          Map.entry("aws:principalaccount", ACCOUNT),
          Map.entry("aws:resourceaccount", ACCOUNT),
          Map.entry("aws:sourceaccount", ACCOUNT),
          Map.entry("kms:viaservice", SERVICE),
          Map.entry("kms:requestalias", ALIAS),
          Map.entry("kms:resourcealiases", ALIAS),
          Map.entry("kms:grantoperations", GRANT_OPERATION),
          Map.entry("kms:encryptionalgorithm", ENUM_CONSTANT),
          Map.entry("kms:keyspec", ENUM_CONSTANT),
          Map.entry("kms:customermasterkeyspec", ENUM_CONSTANT),
          Map.entry("kms:keyusage", ENUM_CONSTANT),
          Map.entry("kms:customermasterkeyusage", ENUM_CONSTANT),
          Map.entry("kms:keyorigin", ENUM_CONSTANT),
          Map.entry("kms:datakeypairspec", ENUM_CONSTANT),
          Map.entry("kms:signingalgorithm", ENUM_CONSTANT),
          Map.entry("kms:macalgorithm", ENUM_CONSTANT),
          Map.entry("kms:messagetype", ENUM_CONSTANT),
          Map.entry("kms:wrappingalgorithm", ENUM_CONSTANT),
          Map.entry("kms:wrappingkeyspec", ENUM_CONSTANT),
          Map.entry("kms:keyagreementalgorithm", ENUM_CONSTANT),
          Map.entry("kms:expirationmodel", ENUM_CONSTANT),
          Map.entry(
              "kms:multiregionkeytype", Format.oneOf("PRIMARY or REPLICA", "PRIMARY", "REPLICA")),
          Map.entry(
              "kms:grantconstrainttype",
              Format.oneOf(
                  "EncryptionContextEquals or EncryptionContextSubset",
                  "EncryptionContextEquals",
                  "EncryptionContextSubset")),
          Map.entry(
              "aws:principaltype",
              Format.oneOf(
                  "Account, User, FederatedUser, AssumedRole or Anonymous",
                  "Account",
                  "User",
                  "FederatedUser",
                  "AssumedRole",
                  "Anonymous")),
          Map.entry("aws:principalorgid", ORG_ID),
          Map.entry("aws:resourceorgid", ORG_ID),
          Map.entry("aws:sourceorgid", ORG_ID),
          Map.entry("aws:requestedregion", REGION),
          Map.entry("kms:primaryregion", REGION),
          Map.entry("kms:replicaregion", REGION),
          Map.entry("aws:principalarn", ARN),
          Map.entry("aws:sourcearn", ARN));

  @Override
  public LintRule rule() {
    return LintRule.VALUE_NEVER_MATCHES;
  }

  @Override
  public void run(LintContext ctx) {
    for (LintedPolicy p : ctx.allPolicies()) {
      for (LintedStatement ls : p.statements) {
        for (Condition c : ls.statement().conditions()) {
          check(ctx, p, ls, c);
        }
      }
    }
  }

  private static void check(LintContext ctx, LintedPolicy p, LintedStatement ls, Condition c) {
    String family = ConditionTypeCheck.family(c.baseOperator());
    if (!family.equals("String") && !family.equals("Arn")) {
      return;
    }
    Optional<Format> format = format(c);
    if (format.isEmpty()) {
      return;
    }
    boolean ignoreCase = c.baseOperator().contains("IgnoreCase");
    boolean like = c.baseOperator().contains("Like") || family.equals("Arn");
    for (String v : c.values()) {
      if (v.contains("${") || (like && v.equals("*"))) {
        continue;
      }
      boolean wildcard = like && (v.indexOf('*') >= 0 || v.indexOf('?') >= 0);
      Boolean ok = canMatch(format.get(), v, wildcard, ignoreCase);
      if (ok == null || ok) {
        continue;
      }
      ctx.report(
          LintRule.VALUE_NEVER_MATCHES,
          p,
          ls,
          c.operator()
              + " on "
              + c.key()
              + ": \""
              + v
              + "\" can never match; the key holds "
              + format.get().expected()
              + ", so the condition "
              + (c.negated() ? "always holds" : "never holds")
              + " for this value",
          suggestion(format.get(), v)
              .map(s -> "Write \"" + s + "\" (values compare case-sensitively).")
              .orElse("Write " + format.get().expected() + "."));
    }
  }

  private static Optional<Format> format(Condition c) {
    String key = c.key().toLowerCase(Locale.ROOT);
    Format f = FORMATS.get(key);
    if (f != null) {
      return Optional.of(f);
    }
    return c.keyType() == ConditionKeyType.BOOLEAN ? Optional.of(BOOLEAN) : Optional.empty();
  }

  /** True or false; null when it cannot be told (a wildcard against an open format). */
  private static Boolean canMatch(Format f, String v, boolean wildcard, boolean ignoreCase) {
    if (wildcard) {
      if (f.closedList() == null) {
        return null;
      }
      Pattern p = like(v, ignoreCase);
      return f.closedList().stream().anyMatch(x -> p.matcher(x).matches());
    }
    if (ignoreCase) {
      if (f.closedList() != null) {
        return f.closedList().stream().anyMatch(x -> x.equalsIgnoreCase(v));
      }
      return f.accepts().test(v)
          || f.accepts().test(v.toLowerCase(Locale.ROOT))
          || f.accepts().test(v.toUpperCase(Locale.ROOT));
    }
    return f.accepts().test(v);
  }

  /** The listed value that differs only by case, or the upper-case constant, as a hint. */
  private static Optional<String> suggestion(Format f, String v) {
    if (f.closedList() != null) {
      return f.closedList().stream().filter(x -> x.equalsIgnoreCase(v)).findFirst();
    }
    String upper = v.toUpperCase(Locale.ROOT);
    String lower = v.toLowerCase(Locale.ROOT);
    if (!upper.equals(v) && f.accepts().test(upper)) {
      return Optional.of(upper);
    }
    if (!lower.equals(v) && f.accepts().test(lower)) {
      return Optional.of(lower);
    }
    return Optional.empty();
  }

  private static Pattern like(String v, boolean ignoreCase) {
    StringBuilder re = new StringBuilder();
    for (char ch : v.toCharArray()) {
      switch (ch) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return Pattern.compile(re.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
  }
}
