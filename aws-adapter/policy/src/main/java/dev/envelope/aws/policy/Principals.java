package dev.envelope.aws.policy;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** How a statement's Principal element relates to a caller. */
final class Principals {
  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

  /** How an Allow statement's principal covers the caller. */
  enum Match {
    /** The statement does not name the caller. */
    NONE,
    /** The statement names the caller itself (or everyone). */
    DIRECT,
    /**
     * The statement names the caller's account (root ARN or account id) and the caller is not the
     * root user: the account's IAM policies decide. This is the KMS "enable IAM policies" case.
     */
    ACCOUNT
  }

  /**
   * Whom an Allow statement's principal names, for what may limit it (IAM User Guide, "Policy
   * evaluation logic", resource-based policies and implicit denies in other policy types), most
   * direct first.
   */
  enum Named {
    /**
     * The caller's own ARN (an IAM user, a role session, a federated user) or, for the root user,
     * its account: an implicit deny in identity policies, a boundary or a session policy does not
     * limit it.
     */
    IDENTITY,
    /** The role of the caller's session: a permissions boundary and session policies limit it. */
    ROLE,
    /** Everyone ({@code *}, or Allow with NotPrincipal): read as limited, like a role. */
    ANYONE,
    /** The caller's account (the caller is not its root user): IAM policies decide. */
    ACCOUNT,
    /** Not the caller. */
    NONE
  }

  private Principals() {}

  /** The most direct way an Allow statement names the caller. */
  static Named named(Statement s, CallerIdentity caller) {
    if (!s.hasPrincipal()) {
      return Named.NONE;
    }
    List<String> aws = s.principals().getOrDefault("AWS", List.of());
    if (s.notPrincipal()) {
      return aws.stream().anyMatch(p -> coversForDeny(p, caller)) ? Named.NONE : Named.ANYONE;
    }
    Named best = Named.NONE;
    for (String p : aws) {
      Named n;
      if ("*".equals(p)) {
        n = Named.ANYONE;
      } else if (accountOf(p).isPresent()) {
        n =
            !accountOf(p).get().equals(caller.accountId())
                ? Named.NONE
                : caller.isRoot() ? Named.IDENTITY : Named.ACCOUNT;
      } else if (p.equals(caller.arn())) {
        // A caller that is a role (a session whose ARN is not modelled) is named as a role.
        n = caller.principalType().equals("Role") ? Named.ROLE : Named.IDENTITY;
      } else if (namesIdentity(p, caller)) {
        n = Named.ROLE;
      } else {
        n = Named.NONE;
      }
      if (n.ordinal() < best.ordinal()) {
        best = n;
      }
    }
    return best;
  }

  /**
   * True for a service-linked role or one of its sessions (role path {@code aws-service-role/}, or
   * for a session, whose ARN has no path, a role name starting {@code AWSServiceRoleFor}), which
   * SCPs and RCPs do not affect.
   */
  static boolean isServiceLinkedRole(CallerIdentity caller) {
    String arn = caller.arn();
    return arn.contains(":role/aws-service-role/")
        || caller.roleNameOfSession().filter(r -> r.startsWith("AWSServiceRoleFor")).isPresent();
  }

  /** Match of a Principal/NotPrincipal element for an Allow statement. */
  static Match forAllow(Statement s, CallerIdentity caller) {
    if (!s.hasPrincipal()) {
      return Match.NONE; // a resource policy statement without principal applies to nobody
    }
    List<String> aws = s.principals().getOrDefault("AWS", List.of());
    if (s.notPrincipal()) {
      // Allow + NotPrincipal: everyone not listed. IAM discourages it; we honour it literally.
      return aws.stream().anyMatch(p -> coversForDeny(p, caller)) ? Match.NONE : Match.DIRECT;
    }
    Match best = Match.NONE;
    for (String p : aws) {
      Match m = single(p, caller);
      if (m == Match.DIRECT) {
        return m;
      }
      if (m == Match.ACCOUNT) {
        best = m;
      }
    }
    return best;
  }

  /**
   * Whether a Deny statement's principal element covers the caller. For Deny an account principal
   * covers every identity in the account. NotPrincipal exempts a caller who is covered by one of
   * its entries (its own ARN, its role for a session, or its account).
   */
  static boolean forDeny(Statement s, CallerIdentity caller) {
    if (!s.hasPrincipal()) {
      // Fail closed: a Deny that names no principal (invalid in a key policy, but parse() accepts
      // it) is read as denying everyone rather than no one.
      return true;
    }
    List<String> aws = s.principals().getOrDefault("AWS", List.of());
    boolean listed = aws.stream().anyMatch(p -> coversForDeny(p, caller));
    return listed != s.notPrincipal();
  }

  private static Match single(String p, CallerIdentity caller) {
    if ("*".equals(p)) {
      return Match.DIRECT;
    }
    Optional<String> account = accountOf(p);
    if (account.isPresent()) {
      if (!account.get().equals(caller.accountId())) {
        return Match.NONE;
      }
      return caller.isRoot() ? Match.DIRECT : Match.ACCOUNT;
    }
    return namesIdentity(p, caller) ? Match.DIRECT : Match.NONE;
  }

  private static boolean coversForDeny(String p, CallerIdentity caller) {
    if ("*".equals(p)) {
      return true;
    }
    Optional<String> account = accountOf(p);
    if (account.isPresent()) {
      return account.get().equals(caller.accountId());
    }
    return namesIdentity(p, caller);
  }

  /** For an account principal ({@code 111122223333} or its root ARN), the account id. */
  static Optional<String> accountOf(String principal) {
    if (ACCOUNT_ID.matcher(principal).matches()) {
      return Optional.of(principal);
    }
    return Arn.parse(principal)
        .filter(a -> "iam".equals(a.service()) && "root".equals(a.resource()))
        .map(Arn::account);
  }

  /** True if an IAM user/role/session ARN principal names this caller. */
  static boolean namesIdentity(String p, CallerIdentity caller) {
    if (p.equals(caller.arn())) {
      return true;
    }
    Optional<String> sessionRole = caller.roleNameOfSession();
    if (sessionRole.isEmpty()) {
      return false;
    }
    // A role principal covers its sessions. Session ARNs carry no role path, so compare the account
    // and the role's name (the last path segment of the principal's role ARN).
    return Arn.parse(p)
        .filter(a -> "iam".equals(a.service()) && a.account().equals(caller.accountId()))
        .filter(a -> a.resource().startsWith("role/"))
        .map(a -> a.resource().substring(a.resource().lastIndexOf('/') + 1))
        .filter(name -> name.equals(sessionRole.get()))
        .isPresent();
  }
}
