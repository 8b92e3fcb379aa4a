package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Grant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Everything a {@link Check} looks at, and where it reports. One per lint run. */
final class LintContext {
  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
  private static final Pattern ROOT_ARN = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):root");
  private static final Pattern IAM_ARN =
      Pattern.compile("arn:aws[a-z-]*:(?:iam|sts)::(\\d{12}):.+");

  final LintedPolicy keyPolicy;
  final List<LintedPolicy> iamPolicies;
  final List<Grant> grants;
  final String grantsSource;

  /** The key's account, given or inferred; null if unknown (cross-account rules then skip). */
  final String keyAccount;

  /** The principal that will deploy the policy, for KMS's lockout check; null if not given. */
  final String deployer;

  private final List<Finding> findings = new ArrayList<>();

  LintContext(
      LintedPolicy keyPolicy,
      List<LintedPolicy> iamPolicies,
      List<Grant> grants,
      String grantsSource,
      String keyAccount,
      String deployer) {
    this.keyPolicy = keyPolicy;
    this.iamPolicies = List.copyOf(iamPolicies);
    this.grants = List.copyOf(grants);
    this.grantsSource = grantsSource;
    this.keyAccount = keyAccount;
    this.deployer = deployer;
  }

  /** The key policy and the IAM policies, for rules that apply to both. */
  List<LintedPolicy> allPolicies() {
    List<LintedPolicy> all = new ArrayList<>();
    all.add(keyPolicy);
    all.addAll(iamPolicies);
    return all;
  }

  void report(LintRule rule, LintedPolicy policy, LintedStatement s, String message, String fix) {
    findings.add(new Finding(rule, policy.source, s.index(), s.sid(), s.line(), message, fix));
  }

  void reportPolicy(LintRule rule, String source, String message, String fix) {
    findings.add(new Finding(rule, source, -1, null, 1, message, fix));
  }

  List<Finding> findings() {
    return findings;
  }

  /** For {@code 111122223333} or {@code arn:aws:iam::111122223333:root}, the account id. */
  static Optional<String> rootAccount(String principal) {
    if (ACCOUNT_ID.matcher(principal).matches()) {
      return Optional.of(principal);
    }
    var m = ROOT_ARN.matcher(principal);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The account of an account id, root, IAM or STS principal; empty for {@code *} and others. */
  static Optional<String> accountOf(String principal) {
    Optional<String> root = rootAccount(principal);
    if (root.isPresent()) {
      return root;
    }
    var m = IAM_ARN.matcher(principal);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
