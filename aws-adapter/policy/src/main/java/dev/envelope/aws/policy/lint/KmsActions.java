package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
  /** Operations that use key material: Decrypt, Encrypt, GenerateDataKey*, ReEncrypt*, ... */
  static final List<String> CRYPTO =
      List.of(
          "Encrypt",
          "Decrypt",
          "GenerateDataKey",
          "GenerateDataKeyWithoutPlaintext",
          "GenerateDataKeyPair",
          "GenerateDataKeyPairWithoutPlaintext",
          "ReEncryptFrom",
          "ReEncryptTo",
          "Sign",
          "Verify",
          "GenerateMac",
          "VerifyMac",
          "DeriveSharedSecret");

  /**
   * Operations that change the key's policy, state, lifecycle, material, aliases or tags.
   * RevokeGrant is left out: it only removes access, and the console puts it in the grants
   * statement of key users.
   */
  static final List<String> MANAGEMENT =
      List.of(
          "PutKeyPolicy",
          "ScheduleKeyDeletion",
          "CancelKeyDeletion",
          "DisableKey",
          "EnableKey",
          "CreateAlias",
          "DeleteAlias",
          "UpdateAlias",
          "TagResource",
          "UntagResource",
          "UpdateKeyDescription",
          "EnableKeyRotation",
          "DisableKeyRotation",
          "RotateKeyOnDemand",
          "ImportKeyMaterial",
          "DeleteImportedKeyMaterial",
          "GetParametersForImport",
          "ReplicateKey",
          "UpdatePrimaryRegion");

  /** Management actions a key user must never hold. */
  static final Set<String> USER_FORBIDDEN = Set.of("PutKeyPolicy", "ScheduleKeyDeletion");

  private static final int ADMIN_THRESHOLD = 3;

  private KmsActions() {}

  /** True if the statement's Action/NotAction covers {@code kms:operation}. */
  static boolean grants(Statement s, String operation) {
    String action = "kms:" + operation;
    boolean listed = s.actions().stream().anyMatch(p -> matches(p, action));
    return listed != s.notAction();
  }

  /** The operations of {@code from} the statement grants, in list order. */
  static List<String> granted(Statement s, List<String> from) {
    List<String> out = new ArrayList<>();
    for (String op : from) {
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
    return !isAdministrator(s) && (!granted(s, CRYPTO).isEmpty() || grants(s, "CreateGrant"));
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
