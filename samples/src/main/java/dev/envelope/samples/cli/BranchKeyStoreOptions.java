package dev.envelope.samples.cli;

import dev.envelope.aws.BranchKeyStore;
import dev.envelope.aws.CachingKmsClientSupplier;
import dev.envelope.aws.DynamoDbBranchKeyStore;
import dev.envelope.aws.JdbcBranchKeyStore;
import dev.envelope.aws.KmsClientSupplier;
import dev.envelope.samples.support.DevKms;
import dev.envelope.samples.support.KeyIds;
import dev.envelope.samples.support.UsageException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Which branch key store and which KMS the {@code branch-key} commands use: a JDBC table ({@code
 * --jdbc}; by default an H2 file in the Envelope home) or a DynamoDB table ({@code
 * --dynamodb-table}), wrapped by the local KMS (default) or AWS KMS ({@code --aws}). A picocli
 * mixin.
 */
public final class BranchKeyStoreOptions {
  @Option(
      names = "--jdbc",
      paramLabel = "URL",
      description =
          "JDBC URL of the database holding the branch key table"
              + " (default: an H2 file branch-keys in the Envelope home). The password comes from ENVELOPE_JDBC_PASSWORD.")
  String jdbcUrl;

  @Option(names = "--jdbc-user", paramLabel = "USER", description = "JDBC user.")
  String jdbcUser;

  @Option(
      names = "--dynamodb-table",
      paramLabel = "TABLE",
      description =
          "Use this DynamoDB table (the AWS Material"
              + " Providers Library KeyStore layout) instead of JDBC.")
  String dynamoDbTable;

  @Option(
      names = "--dynamodb-endpoint",
      paramLabel = "URL",
      description =
          "DynamoDB endpoint override (for a" + " DynamoDB-compatible server such as moto_server).")
  URI dynamoDbEndpoint;

  @Option(
      names = "--table",
      paramLabel = "NAME",
      defaultValue = "branch_keys",
      description = "JDBC table name (default: ${DEFAULT-VALUE}).")
  String table;

  @Option(
      names = "--logical-name",
      paramLabel = "NAME",
      description =
          "Logical key store name bound into every"
              + " branch key (default: the table name). Must match every other client of the table.")
  String logicalName;

  @Option(
      names = {"-k", "--key"},
      paramLabel = "KEY",
      description =
          "KMS key that wraps the branch keys: key ARN,"
              + " key id or alias (default with the local KMS: its default alias). Stored as a key ARN.")
  String key;

  @Mixin KmsOptions kms = new KmsOptions();

  /** The store and what to close after it. */
  record Session(BranchKeyStore store, String kmsDescription, List<AutoCloseable> resources)
      implements AutoCloseable {
    @Override
    public void close() {
      for (AutoCloseable r : resources) {
        try {
          r.close();
        } catch (Exception e) {
          // local resources: nothing the user can do
        }
      }
    }
  }

  Session open() {
    if (jdbcUrl != null && dynamoDbTable != null) {
      throw new UsageException("--jdbc and --dynamodb-table exclude each other; choose one store");
    }
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      KmsClientSupplier clients;
      String keyArn;
      String kmsDescription;
      if (kms.useAws()) {
        if (key == null) {
          throw new UsageException("--aws needs --key: the KMS key ARN that wraps the branch keys");
        }
        CachingKmsClientSupplier aws = CachingKmsClientSupplier.builder().build();
        resources.add(aws);
        clients = aws;
        keyArn =
            KeyIds.isKeyArn(key)
                ? key
                : KeyIds.resolve(aws.client(region()), key, "AWS KMS in " + region());
        kmsDescription = "AWS KMS key " + keyArn;
      } else {
        DevKms dev = DevKms.open(kms.home());
        resources.add(dev);
        clients = dev.clientSupplier();
        keyArn = dev.resolveKeyArn(key != null ? key : dev.defaultAlias());
        kmsDescription = "local KMS key " + keyArn + " (state in " + kms.home() + ")";
      }
      BranchKeyStore store;
      if (dynamoDbTable != null) {
        DynamoDbClientBuilder b = DynamoDbClient.builder().region(Region.of(region()));
        if (dynamoDbEndpoint != null) {
          b.endpointOverride(dynamoDbEndpoint);
        }
        DynamoDbClient ddb = b.build();
        resources.add(ddb);
        DynamoDbBranchKeyStore.Builder sb =
            DynamoDbBranchKeyStore.builder()
                .dynamoDbClient(ddb)
                .tableName(dynamoDbTable)
                .kmsKeyArn(keyArn)
                .kmsClientSupplier(clients);
        if (logicalName != null) {
          sb.logicalKeyStoreName(logicalName);
        }
        DynamoDbBranchKeyStore ddbStore = sb.build();
        ddbStore.createTable();
        store = ddbStore;
      } else {
        String url =
            jdbcUrl != null
                ? jdbcUrl
                : "jdbc:h2:file:" + kms.home().resolve("branch-keys").toAbsolutePath();
        Properties props = new Properties();
        if (jdbcUser != null) {
          props.setProperty("user", jdbcUser);
        }
        String password = System.getenv("ENVELOPE_JDBC_PASSWORD");
        if (password != null) {
          props.setProperty("password", password);
        }
        JdbcBranchKeyStore.Builder sb =
            JdbcBranchKeyStore.builder()
                .jdbcUrl(url, props)
                .tableName(table)
                .kmsKeyArn(keyArn)
                .kmsClientSupplier(clients);
        if (logicalName != null) {
          sb.logicalKeyStoreName(logicalName);
        }
        JdbcBranchKeyStore jdbcStore;
        try {
          jdbcStore = sb.build();
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage(), e);
        }
        jdbcStore.createTable();
        store = jdbcStore;
      }
      return new Session(store, kmsDescription, resources);
    } catch (RuntimeException e) {
      new Session(null, null, resources).close();
      throw e;
    }
  }

  private String region() {
    if (kms.region != null) {
      return kms.region;
    }
    if (!kms.useAws()) {
      return "us-east-1";
    }
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion().id();
    } catch (RuntimeException e) {
      throw new UsageException("no AWS Region: pass --region or set AWS_REGION", e);
    }
  }
}
