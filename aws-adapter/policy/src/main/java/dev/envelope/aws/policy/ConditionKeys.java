package dev.envelope.aws.policy;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The condition keys this engine understands. Anything else is rejected when a policy is parsed: a
 * misspelled key would otherwise be "missing" from every request, which silently turns a positive
 * condition off and a negated one (StringNotEquals, a Deny guard) permanently on.
 *
 * <p>Condition key names are case-insensitive in IAM; every lookup here uses the lower-case form.
 */
final class ConditionKeys {
  static final String ENCRYPTION_CONTEXT_PREFIX = "kms:encryptioncontext:";

  /** Keys the evaluator derives from the {@link AccessRequest} itself. */
  private static final Set<String> DERIVED =
      Set.of(
          "kms:calleraccount",
          "kms:viaservice",
          "kms:encryptioncontextkeys",
          "kms:grantisforawsresource",
          "kms:grantoperations",
          "kms:requestalias",
          "aws:principalarn",
          "aws:principalaccount",
          "aws:principalorgid",
          "aws:principaltype",
          "aws:username",
          "aws:requestedregion",
          "aws:currenttime",
          "aws:epochtime",
          "aws:resourceaccount");

  /**
   * Real KMS and global keys whose values the engine cannot know (key metadata, network facts,
   * tags); a caller of the engine supplies them with {@link AccessRequest.Builder#contextValue}.
   * When not supplied they are absent from the request context, exactly as in AWS when a key does
   * not apply to a request.
   */
  private static final Set<String> SUPPLIED =
      Set.of(
          "kms:keyspec",
          "kms:keyusage",
          "kms:keyorigin",
          "kms:multiregion",
          "kms:multiregionkeytype",
          "kms:encryptionalgorithm",
          "kms:signingalgorithm",
          "kms:macalgorithm",
          "kms:datakeypairspec",
          "kms:resourcealiases",
          "kms:granteeprincipal",
          "kms:retiringprincipal",
          "kms:grantconstrainttype",
          "kms:bypasspolicylockoutsafetycheck",
          "kms:customermasterkeyspec",
          "kms:customermasterkeyusage",
          "kms:expirationmodel",
          "kms:keyagreementalgorithm",
          "kms:messagetype",
          "kms:primaryregion",
          "kms:reencryptonsamekey",
          "kms:replicaregion",
          "kms:rotationperiodindays",
          "kms:schedulekeydeletionpendingwindowindays",
          "kms:validto",
          "kms:wrappingalgorithm",
          "kms:wrappingkeyspec",
          "kms:grantconstraintsourcearn",
          "kms:granteeserviceprincipal",
          "aws:securetransport",
          "aws:sourceip",
          "aws:sourcevpce",
          "aws:sourcevpc",
          "aws:sourceaccount",
          "aws:sourcearn",
          "aws:calledvia",
          "aws:calledviafirst",
          "aws:calledvialast",
          "aws:viaawsservice",
          "aws:principalisawsservice",
          "aws:principalservicename",
          "aws:principalorgpaths",
          "aws:userid",
          "aws:resourceorgid",
          "aws:resourceorgpaths",
          "aws:sourceidentity",
          "aws:sourceorgid",
          "aws:sourceorgpaths",
          "aws:tokenissuetime",
          "aws:multifactorauthage",
          "aws:principalservicenameslist",
          "aws:vpcsourceip",
          "aws:ec2instancesourcevpc",
          "aws:ec2instancesourceprivateipv4",
          "aws:federatedprovider",
          "aws:referer",
          "aws:useragent",
          "aws:multifactorauthpresent",
          "aws:tagkeys");

  private static final Set<String> SUPPLIED_PREFIXES =
      Set.of(
          "aws:principaltag/", "aws:resourcetag/", "aws:requesttag/", "kms:recipientattestation:");

  /** Keys that can hold several values in one request; the others hold at most one. */
  private static final Set<String> MULTI_VALUED =
      Set.of(
          "kms:encryptioncontextkeys",
          "kms:grantoperations",
          "kms:resourcealiases",
          "aws:tagkeys",
          "aws:calledvia",
          "aws:principalorgpaths",
          "aws:resourceorgpaths",
          "aws:sourceorgpaths",
          "aws:principalservicenameslist");

  private static final java.util.Map<String, ConditionKeyType> TYPES = types();

  private static java.util.Map<String, ConditionKeyType> types() {
    java.util.Map<String, ConditionKeyType> t = new java.util.HashMap<>();
    for (String k :
        List.of(
            "kms:grantisforawsresource",
            "kms:bypasspolicylockoutsafetycheck",
            "kms:multiregion",
            "kms:reencryptonsamekey",
            "aws:securetransport",
            "aws:viaawsservice",
            "aws:principalisawsservice",
            "aws:multifactorauthpresent")) {
      t.put(k, ConditionKeyType.BOOLEAN);
    }
    for (String k :
        List.of(
            "kms:rotationperiodindays",
            "kms:schedulekeydeletionpendingwindowindays",
            "aws:multifactorauthage")) {
      t.put(k, ConditionKeyType.NUMERIC);
    }
    // kms:ValidTo is a "Timestamp" the guide compares with NumericLessThanEquals; aws:EpochTime
    // takes Date and Numeric operators (IAM User Guide).
    t.put("kms:validto", ConditionKeyType.NUMERIC_OR_DATE);
    t.put("aws:epochtime", ConditionKeyType.NUMERIC_OR_DATE);
    t.put("aws:currenttime", ConditionKeyType.DATE);
    t.put("aws:tokenissuetime", ConditionKeyType.DATE);
    t.put("aws:sourceip", ConditionKeyType.IP_ADDRESS);
    t.put("aws:vpcsourceip", ConditionKeyType.IP_ADDRESS);
    t.put("aws:ec2instancesourceprivateipv4", ConditionKeyType.IP_ADDRESS);
    for (String k :
        List.of(
            "aws:principalarn",
            "aws:sourcearn",
            "kms:granteeprincipal",
            "kms:retiringprincipal",
            "kms:grantconstraintsourcearn")) {
      t.put(k, ConditionKeyType.ARN);
    }
    return java.util.Map.copyOf(t);
  }

  /**
   * Keys whose value is who the caller is, not what it asks: a caller cannot change them by shaping
   * its request. IAM Access Analyzer reads conditions on them as limiting the principals a policy
   * grants to.
   */
  private static final Set<String> PRINCIPAL_IDENTITY =
      Set.of(
          "kms:calleraccount",
          "aws:principalaccount",
          "aws:principalorgid",
          "aws:principalorgpaths",
          "aws:principalarn",
          "aws:principaltype",
          "aws:userid",
          "aws:username",
          "aws:principalisawsservice",
          "aws:principalservicename",
          "aws:principalservicenameslist");

  private ConditionKeys() {}

  static boolean identifiesPrincipal(String key) {
    String k = normalize(key);
    return PRINCIPAL_IDENTITY.contains(k) || k.startsWith("aws:principaltag/");
  }

  /** The type of a key's values; {@link ConditionKeyType#STRING} unless documented otherwise. */
  static ConditionKeyType type(String key) {
    return TYPES.getOrDefault(normalize(key), ConditionKeyType.STRING);
  }

  static String normalize(String key) {
    return key.toLowerCase(Locale.ROOT);
  }

  static boolean isKnown(String key) {
    String k = normalize(key);
    if (k.startsWith(ENCRYPTION_CONTEXT_PREFIX)) {
      return k.length() > ENCRYPTION_CONTEXT_PREFIX.length();
    }
    if (DERIVED.contains(k) || SUPPLIED.contains(k)) {
      return true;
    }
    for (String prefix : SUPPLIED_PREFIXES) {
      if (k.startsWith(prefix) && k.length() > prefix.length()) {
        return true;
      }
    }
    return false;
  }

  static void requireKnown(String key) {
    if (!isKnown(key)) {
      throw new PolicyException(
          PolicyException.Reason.UNKNOWN_CONDITION_KEY,
          "Unknown condition key '"
              + key
              + "'. Supported: kms:EncryptionContext:<key>, kms:EncryptionContextKeys,"
              + " kms:ViaService, kms:CallerAccount, kms:GrantIsForAWSResource,"
              + " kms:GrantOperations, kms:RequestAlias, aws:PrincipalArn, aws:PrincipalAccount,"
              + " aws:PrincipalOrgID and other documented KMS/global keys; check the spelling.");
    }
  }

  /** True if the evaluator fills the key from the request rather than from supplied values. */
  static boolean isDerived(String lowerKey) {
    return DERIVED.contains(lowerKey) || lowerKey.startsWith(ENCRYPTION_CONTEXT_PREFIX);
  }

  static boolean isMultiValued(String key) {
    return MULTI_VALUED.contains(normalize(key));
  }
}
