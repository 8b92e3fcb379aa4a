package dev.envelope.aws.policy;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who is calling KMS.
 *
 * @param accountId the caller's 12-digit AWS account id
 * @param arn the caller's ARN: {@code arn:aws:iam::111122223333:root} (the account's root user),
 *     {@code arn:aws:iam::111122223333:user/alice}, {@code arn:aws:iam::111122223333:role/App}, or
 *     an assumed-role session {@code arn:aws:sts::111122223333:assumed-role/App/session}
 */
public record CallerIdentity(String accountId, String arn) {
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

  public CallerIdentity {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(arn, "arn");
    if (!ACCOUNT.matcher(accountId).matches()) {
      throw new IllegalArgumentException("accountId must be 12 digits: " + accountId);
    }
    Arn parsed =
        Arn.parse(arn)
            .orElseThrow(() -> new IllegalArgumentException("caller arn is not an ARN: " + arn));
    if (!accountId.equals(parsed.account())) {
      throw new IllegalArgumentException("caller arn " + arn + " is not in account " + accountId);
    }
  }

  /** The identity named by {@code arn}; the account id is taken from the ARN. */
  public static CallerIdentity of(String arn) {
    Arn parsed =
        Arn.parse(arn)
            .orElseThrow(() -> new IllegalArgumentException("caller arn is not an ARN: " + arn));
    return new CallerIdentity(parsed.account(), arn);
  }

  /** The root user of {@code accountId}. */
  public static CallerIdentity root(String accountId) {
    return new CallerIdentity(accountId, "arn:aws:iam::" + accountId + ":root");
  }

  /** True for the account's root user, which a key policy naming the account allows directly. */
  public boolean isRoot() {
    return "root".equals(parsedArn().resource()) && "iam".equals(parsedArn().service());
  }

  /**
   * The ARN that policies name for this caller ({@code aws:PrincipalArn}): for an assumed-role
   * session, the role's ARN (without its path, which a session ARN does not carry); otherwise the
   * caller's ARN.
   */
  public String principalArn() {
    return roleNameOfSession()
        .map(role -> "arn:" + parsedArn().partition() + ":iam::" + accountId + ":role/" + role)
        .orElse(arn);
  }

  /** The {@code aws:PrincipalType} value: Account, User, AssumedRole, FederatedUser or Role. */
  public String principalType() {
    Arn a = parsedArn();
    String res = a.resource();
    if (isRoot()) {
      return "Account";
    }
    if (res.startsWith("user/")) {
      return "User";
    }
    if (res.startsWith("assumed-role/")) {
      return "AssumedRole";
    }
    if (res.startsWith("federated-user/")) {
      return "FederatedUser";
    }
    return "Role";
  }

  /** For {@code ...:assumed-role/RoleName/session}, RoleName. */
  Optional<String> roleNameOfSession() {
    Arn a = parsedArn();
    if (!"sts".equals(a.service()) || !a.resource().startsWith("assumed-role/")) {
      return Optional.empty();
    }
    String rest = a.resource().substring("assumed-role/".length());
    int slash = rest.indexOf('/');
    return Optional.of(slash < 0 ? rest : rest.substring(0, slash));
  }

  /** For an IAM user, its name (the last path segment); used for {@code aws:username}. */
  Optional<String> userName() {
    String res = parsedArn().resource();
    if (!"iam".equals(parsedArn().service()) || !res.startsWith("user/")) {
      return Optional.empty();
    }
    return Optional.of(res.substring(res.lastIndexOf('/') + 1));
  }

  String partition() {
    return parsedArn().partition();
  }

  private Arn parsedArn() {
    return Arn.parse(arn).orElseThrow();
  }
}
