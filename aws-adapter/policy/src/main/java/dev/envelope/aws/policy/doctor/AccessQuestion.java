package dev.envelope.aws.policy.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * "May this caller do this to this key?" Immutable; build with {@link #builder()}. The key is named
 * by its key ARN or by an alias ARN (which, as in KMS, also sets kms:RequestAlias).
 */
public final class AccessQuestion {
  private final String callerArn;
  private final String keyArn;
  private final String operation;
  private final Map<String, String> encryptionContext;
  private final List<String> grantTokens;
  private final String viaService;
  private final Set<String> grantOperations;

  private AccessQuestion(Builder b) {
    this.callerArn = Objects.requireNonNull(b.callerArn, "caller");
    this.keyArn = Objects.requireNonNull(b.keyArn, "key");
    this.operation = Objects.requireNonNull(b.operation, "operation");
    this.encryptionContext = Map.copyOf(b.encryptionContext);
    this.grantTokens = List.copyOf(b.grantTokens);
    this.viaService = b.viaService;
    this.grantOperations = Set.copyOf(b.grantOperations);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String callerArn() {
    return callerArn;
  }

  public String keyArn() {
    return keyArn;
  }

  public String operation() {
    return operation;
  }

  public Map<String, String> encryptionContext() {
    return encryptionContext;
  }

  public List<String> grantTokens() {
    return grantTokens;
  }

  public java.util.Optional<String> viaService() {
    return java.util.Optional.ofNullable(viaService);
  }

  public Set<String> grantOperations() {
    return grantOperations;
  }

  @Override
  public String toString() {
    return callerArn + " kms:" + operation + " on " + keyArn;
  }

  /** Builder for {@link AccessQuestion}; caller, key and operation are required. */
  public static final class Builder {
    private String callerArn;
    private String keyArn;
    private String operation;
    private final Map<String, String> encryptionContext = new LinkedHashMap<>();
    private final List<String> grantTokens = new ArrayList<>();
    private String viaService;
    private final Set<String> grantOperations = new LinkedHashSet<>();

    private Builder() {}

    /** The calling principal: an IAM user/role ARN, a root ARN, or an assumed-role session ARN. */
    public Builder caller(String arn) {
      this.callerArn = arn;
      return this;
    }

    /** The key ARN, or an alias ARN ({@code arn:aws:kms:REGION:ACCOUNT:alias/NAME}). */
    public Builder key(String arn) {
      this.keyArn = arn;
      return this;
    }

    /** The KMS operation, e.g. {@code Decrypt} (a {@code kms:} prefix is tolerated). */
    public Builder operation(String operation) {
      this.operation = operation;
      return this;
    }

    public Builder encryptionContext(Map<String, String> context) {
      encryptionContext.putAll(context);
      return this;
    }

    public Builder contextEntry(String key, String value) {
      encryptionContext.put(key, value);
      return this;
    }

    /** A grant token presented with the request: makes an unpropagated grant count. */
    public Builder grantToken(String token) {
      grantTokens.add(token);
      return this;
    }

    /** The AWS service making the call for the caller (kms:ViaService). */
    public Builder viaService(String service) {
      this.viaService = service;
      return this;
    }

    /** For CreateGrant: the operations the new grant would allow (kms:GrantOperations). */
    public Builder grantOperations(Set<String> operations) {
      grantOperations.addAll(operations);
      return this;
    }

    public AccessQuestion build() {
      return new AccessQuestion(this);
    }
  }
}
