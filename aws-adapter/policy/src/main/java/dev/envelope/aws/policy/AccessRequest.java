package dev.envelope.aws.policy;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One KMS request to authorize. Immutable; build with {@link #builder()}.
 *
 * <p>The request carries what KMS puts into the request context of a real call: the caller, the
 * action ({@code kms:} + operation), the key, the encryption context, and the values of the KMS
 * condition keys the operation supports.
 */
public final class AccessRequest {
  private final CallerIdentity caller;
  private final String operation;
  private final String keyArn;
  private final String keyAccountId;
  private final String keyRegion;
  private final Map<String, String> encryptionContext;
  private final String viaService;
  private final String requestAlias;
  private final Set<String> grantOperations;
  private final boolean grantIsForAwsResource;
  private final boolean grantTokensPresented;
  private final String principalOrgId;
  private final Instant requestTime;
  private final Map<String, List<String>> extraContext;

  private AccessRequest(Builder b) {
    this.caller = Objects.requireNonNull(b.caller, "caller");
    String op = Objects.requireNonNull(b.operation, "operation");
    if (op.regionMatches(true, 0, "kms:", 0, 4)) {
      op = op.substring(4);
    }
    if (op.isEmpty()) {
      throw new IllegalArgumentException("operation must not be empty");
    }
    this.operation = KmsOperation.canonicalName(op);
    this.keyArn = Objects.requireNonNull(b.keyArn, "keyArn");
    Optional<Arn> parsed = Arn.parse(keyArn);
    this.keyAccountId =
        b.keyAccountId != null ? b.keyAccountId : parsed.map(Arn::account).orElse(null);
    this.keyRegion = b.keyRegion != null ? b.keyRegion : parsed.map(Arn::region).orElse(null);
    if (keyAccountId == null || keyAccountId.isEmpty()) {
      throw new IllegalArgumentException(
          "keyArn must be arn:aws:kms:REGION:ACCOUNT:key/ID, or set keyAccountId: " + keyArn);
    }
    this.encryptionContext =
        b.encryptionContext == null ? Map.of() : Map.copyOf(b.encryptionContext);
    this.viaService = b.viaService;
    this.requestAlias = b.requestAlias;
    this.grantOperations = b.grantOperations == null ? Set.of() : Set.copyOf(b.grantOperations);
    this.grantIsForAwsResource = b.grantIsForAwsResource;
    this.grantTokensPresented = b.grantTokensPresented;
    this.principalOrgId = b.principalOrgId;
    this.requestTime = b.requestTime != null ? b.requestTime : Instant.now();
    Map<String, List<String>> extra = new LinkedHashMap<>();
    b.extraContext.forEach((k, v) -> extra.put(k, List.copyOf(v)));
    this.extraContext = Map.copyOf(extra);
  }

  public static Builder builder() {
    return new Builder();
  }

  public CallerIdentity caller() {
    return caller;
  }

  /** The KMS operation name without prefix, e.g. {@code Decrypt}. */
  public String operation() {
    return operation;
  }

  /**
   * The KMS permission this request asks for, if KMS knows it: empty for a name KMS does not know
   * and for ReEncrypt, which is no permission (its requests ask for ReEncryptFrom and ReEncryptTo).
   */
  Optional<KmsOperation> permission() {
    return KmsOperation.byName(operation).filter(KmsOperation::isPermission);
  }

  /** The IAM action, {@code kms:} + operation. */
  public String action() {
    return "kms:" + operation;
  }

  public String keyArn() {
    return keyArn;
  }

  public String keyAccountId() {
    return keyAccountId;
  }

  /** The key's Region, or null if neither given nor derivable from the key ARN. */
  public String keyRegion() {
    return keyRegion;
  }

  public Map<String, String> encryptionContext() {
    return encryptionContext;
  }

  public Optional<String> viaService() {
    return Optional.ofNullable(viaService);
  }

  public Optional<String> requestAlias() {
    return Optional.ofNullable(requestAlias);
  }

  public Set<String> grantOperations() {
    return grantOperations;
  }

  public boolean grantIsForAwsResource() {
    return grantIsForAwsResource;
  }

  public boolean grantTokensPresented() {
    return grantTokensPresented;
  }

  public Optional<String> principalOrgId() {
    return Optional.ofNullable(principalOrgId);
  }

  /** When the request was made: aws:CurrentTime and aws:EpochTime. */
  public Instant requestTime() {
    return requestTime;
  }

  /** Extra request-context values set with {@link Builder#contextValue}, keyed as given. */
  public Map<String, List<String>> extraContext() {
    return extraContext;
  }

  /** True when the caller's account is not the key's account. */
  public boolean crossAccount() {
    return !caller.accountId().equals(keyAccountId);
  }

  @Override
  public String toString() {
    return caller.arn() + " " + action() + " on " + keyArn;
  }

  /** Builder for {@link AccessRequest}. caller, operation and keyArn are required. */
  public static final class Builder {
    private CallerIdentity caller;
    private String operation;
    private String keyArn;
    private String keyAccountId;
    private String keyRegion;
    private Map<String, String> encryptionContext;
    private String viaService;
    private String requestAlias;
    private Set<String> grantOperations;
    private boolean grantIsForAwsResource;
    private boolean grantTokensPresented;
    private String principalOrgId;
    private Instant requestTime;
    private final Map<String, List<String>> extraContext = new LinkedHashMap<>();

    private Builder() {}

    public Builder caller(CallerIdentity caller) {
      this.caller = caller;
      return this;
    }

    /**
     * KMS operation name, e.g. {@code Decrypt}; a leading {@code kms:} and any capitalisation are
     * tolerated. A ReEncrypt call is two authorizations: {@code ReEncryptFrom} on the source key
     * and {@code ReEncryptTo} on the destination key.
     */
    public Builder operation(String operation) {
      this.operation = operation;
      return this;
    }

    public Builder keyArn(String keyArn) {
      this.keyArn = keyArn;
      return this;
    }

    public Builder keyAccountId(String keyAccountId) {
      this.keyAccountId = keyAccountId;
      return this;
    }

    public Builder keyRegion(String keyRegion) {
      this.keyRegion = keyRegion;
      return this;
    }

    public Builder encryptionContext(Map<String, String> encryptionContext) {
      this.encryptionContext = encryptionContext;
      return this;
    }

    /** The AWS service calling on the caller's behalf, e.g. {@code s3.us-east-1.amazonaws.com}. */
    public Builder viaService(String viaService) {
      this.viaService = viaService;
      return this;
    }

    /** The alias the caller used to name the key, e.g. {@code alias/app}. */
    public Builder requestAlias(String requestAlias) {
      this.requestAlias = requestAlias;
      return this;
    }

    /** For CreateGrant: the operations the new grant would allow. */
    public Builder grantOperations(Set<String> grantOperations) {
      this.grantOperations = grantOperations;
      return this;
    }

    public Builder grantIsForAwsResource(boolean grantIsForAwsResource) {
      this.grantIsForAwsResource = grantIsForAwsResource;
      return this;
    }

    public Builder grantTokensPresented(boolean grantTokensPresented) {
      this.grantTokensPresented = grantTokensPresented;
      return this;
    }

    /** The caller's AWS Organizations id, for {@code aws:PrincipalOrgID}; absent if unset. */
    public Builder principalOrgId(String principalOrgId) {
      this.principalOrgId = principalOrgId;
      return this;
    }

    /**
     * When the request is made, for aws:CurrentTime and aws:EpochTime; the time of {@link #build}
     * if not set.
     */
    public Builder requestTime(Instant requestTime) {
      this.requestTime = requestTime;
      return this;
    }

    /**
     * Supplies a request-context value for a condition key the engine cannot derive itself, such as
     * {@code kms:KeySpec} or {@code aws:PrincipalTag/team}. Only keys the policy parser accepts are
     * allowed here.
     *
     * @throws PolicyException if the key is not a supported condition key
     */
    public Builder contextValue(String conditionKey, Collection<String> values) {
      ConditionKeys.requireKnown(conditionKey);
      String lower = conditionKey.toLowerCase(Locale.ROOT);
      if (ConditionKeys.isDerived(lower)) {
        throw new IllegalArgumentException(
            conditionKey + " is derived from the request; set it through its own builder method");
      }
      extraContext.put(lower, List.copyOf(values));
      return this;
    }

    public Builder contextValue(String conditionKey, String... values) {
      return contextValue(conditionKey, List.of(values));
    }

    public AccessRequest build() {
      return new AccessRequest(this);
    }
  }
}
