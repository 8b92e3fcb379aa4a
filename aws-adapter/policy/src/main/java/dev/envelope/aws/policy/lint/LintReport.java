package dev.envelope.aws.policy.lint;

import java.util.List;
import java.util.Optional;

/** The findings of one lint run, most severe first. Immutable. */
public final class LintReport {
  private final List<Finding> findings;
  private final String keyAccount;

  LintReport(List<Finding> findings, String keyAccount) {
    this.findings = List.copyOf(findings);
    this.keyAccount = keyAccount;
  }

  public List<Finding> findings() {
    return findings;
  }

  /** Findings of {@code threshold} severity or worse. */
  public List<Finding> atOrAbove(Severity threshold) {
    return findings.stream().filter(f -> f.severity().atLeast(threshold)).toList();
  }

  /** True if some finding is of {@code threshold} severity or worse: the CI gate. */
  public boolean failsAt(Severity threshold) {
    return findings.stream().anyMatch(f -> f.severity().atLeast(threshold));
  }

  /** Findings of one rule. */
  public List<Finding> byRule(LintRule rule) {
    return findings.stream().filter(f -> f.rule() == rule).toList();
  }

  /** The account the key was taken to belong to (given or inferred), if known. */
  public Optional<String> keyAccount() {
    return Optional.ofNullable(keyAccount);
  }

  public String render(ReportFormat format) {
    return switch (format) {
      case TEXT -> TextRenderer.render(this);
      case JSON -> JsonRenderer.render(this);
      case SARIF -> SarifRenderer.render(this);
    };
  }

  @Override
  public String toString() {
    return "LintReport" + findings;
  }
}
