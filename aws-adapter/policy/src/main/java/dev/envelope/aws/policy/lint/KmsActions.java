package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.KmsOperation;
import dev.envelope.aws.policy.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a statement's Action/NotAction grants, expanded over the KMS operations, and the two roles
 * the role-based rules need.
 *
 * <p>Roles are decided by the actions a statement grants, because principals' names say nothing
 * reliable: an <b>administrator statement</b> grants three or more management actions, or some
 * management action and no cryptographic one (the console's "key administrators" statement grants a
 * dozen); a <b>user statement</b> is any other statement that grants a cryptographic action or
 * CreateGrant (the console's "key users" and "persistent resources" statements). The threshold
 * makes a use statement that slipped in PutKeyPolicy a user holding too much rather than an
 * administrator.
 */
final class KmsActions {
  /**
   * Permissions that use key material on a key: Encrypt, Decrypt, GenerateDataKey*, ReEncrypt*,
   * Sign, ... (GenerateRandom is cryptographic too, but uses no key).
   */
  static final List<KmsOperation> CRYPTO =
      permissions(o -> o.kind() == KmsOperation.Kind.CRYPTOGRAPHIC && o.onKey());

  /** Permissions that change the key's policy, state, lifecycle, material, aliases or tags. */
  static final List<KmsOperation> MANAGEMENT = permissions(KmsOperation::administersKey);

  /** Management actions a key user must never hold. */
  static final List<KmsOperation> USER_FORBIDDEN =
      List.of(KmsOperation.PUT_KEY_POLICY, KmsOperation.SCHEDULE_KEY_DELETION);

  private static final int ADMIN_THRESHOLD = 3;

  private KmsActions() {}

  /** True if the statement's Action/NotAction covers the operation's permission. */
  static boolean grants(Statement s, KmsOperation operation) {
    String action = operation.action();
    boolean listed = s.actions().stream().anyMatch(p -> matches(p, action));
    return listed != s.notAction();
  }

  /** The operations of {@code from} the statement grants, in list order. */
  static List<KmsOperation> granted(Statement s, List<KmsOperation> from) {
    List<KmsOperation> out = new ArrayList<>();
    for (KmsOperation op : from) {
      if (grants(s, op)) {
        out.add(op);
      }
    }
    return out;
  }

  /** True if Action literally holds {@code kms:*} or {@code *}: every action, now and later. */
  static boolean grantsEverything(Statement s) {
    return !s.notAction()
        && s.actions().stream().anyMatch(a -> a.equals("*") || a.equalsIgnoreCase("kms:*"));
  }

  /** True if any pattern can match a KMS action. */
  static boolean mentionsKms(Statement s) {
    return s.notAction()
        || s.actions().stream()
            .anyMatch(a -> a.equals("*") || a.toLowerCase(Locale.ROOT).startsWith("kms:"));
  }

  static boolean isAdministrator(Statement s) {
    int mgmt = granted(s, MANAGEMENT).size();
    return mgmt >= ADMIN_THRESHOLD || (mgmt > 0 && granted(s, CRYPTO).isEmpty());
  }

  static boolean isUser(Statement s) {
    return !isAdministrator(s)
        && (!granted(s, CRYPTO).isEmpty() || grants(s, KmsOperation.CREATE_GRANT));
  }

  private static List<KmsOperation> permissions(Predicate<KmsOperation> which) {
    return Arrays.stream(KmsOperation.values())
        .filter(KmsOperation::isPermission)
        .filter(which)
        .toList();
  }

  /** IAM action matching: case-insensitive, {@code *} any run, {@code ?} one character. */
  static boolean matches(String pattern, String action) {
    StringBuilder re = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE).matcher(action).matches();
  }
}
