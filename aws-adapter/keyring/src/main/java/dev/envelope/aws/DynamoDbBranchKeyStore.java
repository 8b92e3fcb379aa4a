package dev.envelope.aws;

import dev.envelope.internal.text.UntrustedText;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A {@link BranchKeyStore} in a DynamoDB table laid out exactly like the AWS Material Providers
 * Library's {@code KeyStore} (same key schema, records, attribute types and KMS encryption
 * contexts), so Envelope and services using the MPL or the AWS Encryption SDK can share one table
 * and one set of branch keys:
 *
 * <pre>{@code
 * DynamoDbBranchKeyStore store = DynamoDbBranchKeyStore.builder()
 *     .dynamoDbClient(DynamoDbClient.create())
 *     .tableName("BranchKeyStore")
 *     .logicalKeyStoreName("BranchKeyStore")      // must equal the MPL KeyStore's logicalKeyStoreName
 *     .kmsKeyArn("arn:aws:kms:us-east-1:111122223333:key/1234abcd-...")
 *     .build();
 * }</pre>
 *
 * <p>The AWS SDK's {@code dynamodb} module is an optional dependency of Envelope: add it to use
 * this store. Timeouts and retries are the client's; configure {@code apiCallTimeout} on it to
 * bound every call.
 */
public final class DynamoDbBranchKeyStore extends TableBranchKeyStore {
  private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_.-]{3,255}");

  private DynamoDbBranchKeyStore(DynamoDbBranchKeyTable table, StoredBranchKeys keys) {
    super(table, keys);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DynamoDbBranchKeyStore}. */
  public static final class Builder {
    private DynamoDbClient ddb;
    private String tableName;
    private String logicalKeyStoreName;
    private String kmsKeyArn;
    private KmsClientSupplier kmsClients;
    private List<String> grantTokens = List.of();
    private MeterRegistry meterRegistry;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The client for the table's Region (the store does not close it). */
    public Builder dynamoDbClient(DynamoDbClient client) {
      this.ddb = Objects.requireNonNull(client, "client");
      return this;
    }

    public Builder tableName(String tableName) {
      this.tableName = Objects.requireNonNull(tableName, "tableName");
      return this;
    }

    /**
     * Bound into every branch key's KMS encryption context (as {@code tablename}); defaults to the
     * table name. Must be the same for every client of the table, the MPL's included.
     */
    public Builder logicalKeyStoreName(String name) {
      this.logicalKeyStoreName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The KMS key (key ARN, not an alias) that wraps the branch keys. */
    public Builder kmsKeyArn(String kmsKeyArn) {
      this.kmsKeyArn = Objects.requireNonNull(kmsKeyArn, "kmsKeyArn");
      return this;
    }

    /** KMS clients; by default a {@link CachingKmsClientSupplier} with the SDK's defaults. */
    public Builder kmsClientSupplier(KmsClientSupplier clients) {
      this.kmsClients = Objects.requireNonNull(clients, "clients");
      return this;
    }

    /** Grant tokens sent with every KMS request (at most 10). */
    public Builder grantTokens(List<String> tokens) {
      this.grantTokens = KmsCalls.validateGrantTokens(List.copyOf(tokens));
      return this;
    }

    /**
     * Publishes the KMS meters of the store's calls (the KMS keyring's {@code envelope.kms.*}: a
     * timer per call by operation, Region and outcome, retries, throttles, calls in flight).
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** For tests: the clock of create-time. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public DynamoDbBranchKeyStore build() {
      Objects.requireNonNull(ddb, "dynamoDbClient is required");
      if (tableName == null || !TABLE.matcher(tableName).matches()) {
        throw new IllegalArgumentException(
            "tableName must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -),"
                + " got "
                + (tableName == null
                    ? "none"
                    : UntrustedText.printable(tableName, UntrustedText.MAX_CHARS)));
      }
      KmsArn key = BranchKeyStores.kmsKey(kmsKeyArn);
      DynamoDbBranchKeyTable table = new DynamoDbBranchKeyTable(ddb, tableName);
      String logical = logicalKeyStoreName != null ? logicalKeyStoreName : tableName;
      return new DynamoDbBranchKeyStore(
          table,
          new StoredBranchKeys(
              table,
              logical,
              key,
              BranchKeyStores.kmsCalls(kmsClients, grantTokens, meterRegistry),
              clock));
    }
  }
}
