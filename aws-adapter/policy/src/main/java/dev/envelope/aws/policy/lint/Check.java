package dev.envelope.aws.policy.lint;

/** One lint rule's logic. Implementations are stateless; they report through the context. */
interface Check {
  LintRule rule();

  void run(LintContext ctx);
}
