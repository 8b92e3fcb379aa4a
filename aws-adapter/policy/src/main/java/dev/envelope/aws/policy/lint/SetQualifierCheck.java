package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Condition;
import java.util.Locale;

/**
 * ENV-KP-008: ForAllValues/ForAnyValue on kms:EncryptionContext:&lt;key&gt;. The key is
 * single-valued, so ForAllValues holds whenever the entry is absent: an Allow then matches requests
 * without the entry at all. Checked in the key policy and in IAM policies.
 */
final class SetQualifierCheck implements Check {
  private static final String PREFIX = "kms:encryptioncontext:";

  @Override
  public LintRule rule() {
    return LintRule.SET_QUALIFIER_ON_SINGLE_VALUED_CONTEXT_KEY;
  }

  @Override
  public void run(LintContext ctx) {
    for (LintedPolicy p : ctx.allPolicies()) {
      for (LintedStatement ls : p.statements) {
        for (Condition c : ls.statement().conditions()) {
          if (c.setQualifier() == Condition.SetQualifier.NONE
              || c.keyIsMultiValued()
              || !c.key().toLowerCase(Locale.ROOT).startsWith(PREFIX)) {
            continue;
          }
          if (p == ctx.keyPolicy && c.setQualifier() == Condition.SetQualifier.FOR_ALL_VALUES) {
            continue; // KMS refuses it in a key policy: ENV-KP-016 reports it in KMS's words
          }
          String plain = c.operator().substring(c.operator().indexOf(':') + 1);
          String consequence =
              c.setQualifier() == Condition.SetQualifier.FOR_ALL_VALUES
                  ? "ForAllValues is true when the request has no '"
                      + entry(c)
                      + "' entry, so"
                      + " this condition does not require it"
                  : "ForAnyValue on a single value is just "
                      + plain
                      + ", and reads as if the key"
                      + " could hold several";
          ctx.report(
              rule(),
              p,
              ls,
              c.operator() + " on " + c.key() + ": the key is single-valued; " + consequence + ".",
              "Write \""
                  + plain
                  + "\": {\""
                  + c.key()
                  + "\": "
                  + c.values()
                  + "}; set"
                  + " qualifiers belong on kms:EncryptionContextKeys.");
        }
      }
    }
  }

  private static String entry(Condition c) {
    return c.key().substring(PREFIX.length());
  }
}
