package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Grant;
import dev.envelope.aws.policy.KmsOperation;
import dev.envelope.aws.policy.PolicyException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds mistakes in a KMS key policy, optionally together with the IAM policies of its callers and
 * the key's grants, before they reach KMS. Immutable and thread-safe; build one per key.
 *
 * <pre>{@code
 * LintReport report = KeyPolicyLinter.builder()
 *     .keyPolicy("key-policy.json", Files.readString(path))
 *     .iamPolicy("app-role.json", appPolicyJson)
 *     .build()
 *     .lint();
 * System.out.print(report.render(ReportFormat.SARIF));
 * }</pre>
 *
 * <p>Invalid statements (unknown condition operators or keys, bad structure) are findings, not
 * exceptions; only text that is not JSON at all is a {@link PolicyException}.
 */
public final class KeyPolicyLinter {
  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

  /** The checks, in rule-id order; each is one rule. */
  private static final List<Check> CHECKS =
      List.of(
          new LockoutCheck(),
          new RootDelegationCheck(),
          new PublicPrincipalCheck(),
          new KmsStarCheck(),
          new AdminHoldsCryptoCheck(),
          new UserHoldsAdminCheck(),
          new UserCreateGrantCheck(),
          new SetQualifierCheck(),
          new CrossAccountRootCheck(),
          new IamResourceStarCheck(),
          new KmsValidationCheck(),
          new NotPrincipalCheck(),
          new NotActionCheck(),
          new GrantRegrantCheck(),
          new ConditionTypeCheck(),
          new ConditionValueCheck());

  private final String keyPolicySource;
  private final String keyPolicyJson;

  /** IAM policies by source name, in the order given. */
  private final List<Map.Entry<String, String>> iamPolicies;

  private final List<Grant> grants;
  private final String grantsSource;
  private final String keyAccount;
  private final String deployer;
  private final boolean includeNotes;

  private KeyPolicyLinter(Builder b) {
    this.keyPolicySource = b.keyPolicySource;
    this.keyPolicyJson = Objects.requireNonNull(b.keyPolicyJson, "keyPolicy is required");
    this.iamPolicies =
        List.copyOf(
            b.iamPolicies.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList());
    this.grants = List.copyOf(b.grants);
    this.grantsSource = b.grantsSource;
    this.keyAccount = b.keyAccount;
    this.deployer = b.deployer;
    this.includeNotes = b.includeNotes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs every rule.
   *
   * @throws PolicyException if the key policy or an IAM policy is not JSON at all; the message
   *     names the document and the line
   */
  public LintReport lint() {
    List<Finding> loadFindings = new ArrayList<>();
    LintedPolicy kp =
        read(keyPolicySource, LintedPolicy.Kind.KEY_POLICY, keyPolicyJson, loadFindings);
    List<LintedPolicy> iam = new ArrayList<>();
    for (Map.Entry<String, String> e : iamPolicies) {
      iam.add(read(e.getKey(), LintedPolicy.Kind.IAM_POLICY, e.getValue(), loadFindings));
    }
    String account = keyAccount != null ? keyAccount : inferKeyAccount(kp).orElse(null);
    LintContext ctx = new LintContext(kp, iam, grants, grantsSource, account, deployer);
    for (Check c : CHECKS) {
      c.run(ctx);
    }
    List<Finding> all = new ArrayList<>(loadFindings);
    all.addAll(ctx.findings());
    if (!includeNotes) {
      all.removeIf(f -> f.severity() == Severity.INFO);
    }
    all.sort(
        Comparator.comparing((Finding f) -> f.severity())
            .reversed()
            .thenComparing(f -> f.ruleId())
            .thenComparing(Finding::source)
            .thenComparingInt(Finding::statementIndex));
    return new LintReport(all, account);
  }

  private static LintedPolicy read(
      String source, LintedPolicy.Kind kind, String json, List<Finding> findings) {
    try {
      return LintedPolicy.read(source, kind, json, findings);
    } catch (PolicyException e) {
      throw new PolicyException(source + ": " + e.getMessage(), e);
    }
  }

  /**
   * The key's account, when not given: the account of a root/account principal that may administer
   * the key (the default policy's "Enable IAM User Permissions"), else the account named most often
   * in principals. Inference only matters for the cross-account rules.
   */
  static Optional<String> inferKeyAccount(LintedPolicy kp) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (LintedStatement ls : kp.statements) {
      var s = ls.statement();
      if (!Statements.isAllow(s) || s.notPrincipal()) {
        continue;
      }
      for (String p : Statements.awsPrincipals(s)) {
        Optional<String> root = LintContext.rootAccount(p);
        if (root.isPresent() && KmsActions.grants(s, KmsOperation.PUT_KEY_POLICY)) {
          return root;
        }
        LintContext.accountOf(p).ifPresent(a -> counts.merge(a, 1, Integer::sum));
      }
    }
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
  }

  /** Builder for {@link KeyPolicyLinter}; only the key policy is required. */
  public static final class Builder {
    private String keyPolicySource = "key-policy.json";
    private String keyPolicyJson;
    private final Map<String, String> iamPolicies = new LinkedHashMap<>();
    private final List<Grant> grants = new ArrayList<>();
    private String grantsSource = "grants.json";
    private String keyAccount;
    private String deployer;
    private boolean includeNotes;

    private Builder() {}

    /**
     * Also report the INFO rules (ENV-KP-002, ENV-KP-009), which describe practices the KMS
     * developer guide recommends (the account-root statement of the default key policy, naming an
     * external account to delegate to its IAM): notes on the blast radius, not problems. Off by
     * default, so that the guide's recommended policies lint clean.
     */
    public Builder includeNotes(boolean include) {
      this.includeNotes = include;
      return this;
    }

    /**
     * The principal that will call CreateKey or PutKeyPolicy with this policy: the linter then runs
     * KMS's policy lockout safety check for it exactly as KMS does (ENV-KP-016). Optional; without
     * it ENV-KP-001 asks only whether anyone could change the policy again.
     *
     * @throws IllegalArgumentException if {@code arn} is not an IAM or STS ARN
     */
    public Builder deployer(String arn) {
      if (arn != null) {
        dev.envelope.aws.policy.CallerIdentity.of(arn);
      }
      this.deployer = arn;
      return this;
    }

    /**
     * The key policy and the name of the file it came from (used in findings and SARIF locations).
     */
    public Builder keyPolicy(String source, String json) {
      this.keyPolicySource = Objects.requireNonNull(source, "source");
      this.keyPolicyJson = Objects.requireNonNull(json, "json");
      return this;
    }

    /** An IAM identity policy of a caller of the key; {@code source} names it in findings. */
    public Builder iamPolicy(String source, String json) {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(json, "json");
      if (iamPolicies.putIfAbsent(source, json) != null) {
        throw new IllegalArgumentException("IAM policy source given twice: " + source);
      }
      return this;
    }

    /** The key's grants and the name of the file they came from. */
    public Builder grants(String source, List<Grant> grants) {
      this.grantsSource = Objects.requireNonNull(source, "source");
      this.grants.addAll(grants);
      return this;
    }

    /**
     * The 12-digit account that owns the key. Optional: inferred from the policy's account-root
     * administrator statement when not given.
     */
    public Builder keyAccount(String accountId) {
      if (accountId != null && !ACCOUNT_ID.matcher(accountId).matches()) {
        throw new IllegalArgumentException("key account must be 12 digits: " + accountId);
      }
      this.keyAccount = accountId;
      return this;
    }

    public KeyPolicyLinter build() {
      return new KeyPolicyLinter(this);
    }
  }
}
