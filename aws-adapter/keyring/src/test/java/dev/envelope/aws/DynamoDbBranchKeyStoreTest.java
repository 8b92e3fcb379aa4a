package dev.envelope.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@link DynamoDbBranchKeyStore} against moto_server over HTTP, with the MPL key store's table
 * layout.
 */
class DynamoDbBranchKeyStoreTest extends BranchKeyStoreContract {
  private static final String TABLE = "BranchKeyStore";
  private static MotoServer moto;
  private static DynamoDbClient ddb;

  @BeforeAll
  static void startMoto() {
    moto = MotoServer.start();
    ddb = moto.client();
  }

  @AfterAll
  static void stopMoto() {
    if (ddb != null) {
      ddb.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @Override
  BranchKeyStore store(String kmsKey, KmsClientSupplier clients) {
    DynamoDbBranchKeyStore store =
        DynamoDbBranchKeyStore.builder()
            .dynamoDbClient(ddb)
            .tableName(TABLE)
            .logicalKeyStoreName("ddb-keys")
            .kmsKeyArn(kmsKey)
            .kmsClientSupplier(clients)
            .build();
    store.createTable();
    return store;
  }

  @Override
  BranchKeyStore unreachableStore() {
    DynamoDbClient nowhere =
        DynamoDbClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:1"))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .apiCallTimeout(java.time.Duration.ofSeconds(5))
                    .build())
            .build();
    return DynamoDbBranchKeyStore.builder()
        .dynamoDbClient(nowhere)
        .tableName(TABLE)
        .kmsKeyArn(KmsFixture.K1)
        .kmsClientSupplier(app)
        .build();
  }

  @Override
  void tamperContext(String branchKeyId, String key, String value) {
    QueryResponse r =
        ddb.query(
            b ->
                b.tableName(TABLE)
                    .keyConditionExpression("#id = :id")
                    .expressionAttributeNames(Map.of("#id", "branch-key-id"))
                    .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(branchKeyId))));
    assertThat(r.items()).hasSize(3);
    for (Map<String, AttributeValue> item : r.items()) {
      ddb.updateItem(
          b ->
              b.tableName(TABLE)
                  .key(Map.of("branch-key-id", item.get("branch-key-id"), "type", item.get("type")))
                  .updateExpression("SET #k = :v")
                  .expressionAttributeNames(Map.of("#k", "aws-crypto-ec:" + key))
                  .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(value))));
    }
  }

  @Test
  void itemsHaveTheMaterialProvidersLibrarySchema() {
    BranchKeyStore store = store();
    String id = store.createBranchKey("schema-" + UUID.randomUUID(), Map.of("tenant", "acme"));
    String version = store.describeBranchKey(id).activeVersion();
    var table = ddb.describeTable(b -> b.tableName(TABLE)).table();
    assertThat(table.keySchema())
        .anyMatch(k -> k.keyType() == KeyType.HASH && k.attributeName().equals("branch-key-id"))
        .anyMatch(k -> k.keyType() == KeyType.RANGE && k.attributeName().equals("type"));

    Map<String, AttributeValue> active =
        ddb.getItem(
                b ->
                    b.tableName(TABLE)
                        .key(
                            Map.of(
                                "branch-key-id",
                                AttributeValue.fromS(id),
                                "type",
                                AttributeValue.fromS("branch:ACTIVE"))))
            .item();
    assertThat(active.keySet())
        .containsExactlyInAnyOrder(
            "branch-key-id",
            "type",
            "version",
            "enc",
            "kms-arn",
            "create-time",
            "hierarchy-version",
            "aws-crypto-ec:tenant");
    assertThat(active.get("version").s()).isEqualTo("branch:version:" + version);
    assertThat(active.get("hierarchy-version").n()).isEqualTo("1");
    assertThat(active.get("enc").b()).isNotNull();
    assertThat(active.get("kms-arn").s()).isEqualTo(KmsFixture.K1);

    Map<String, AttributeValue> decryptOnly =
        ddb.getItem(
                b ->
                    b.tableName(TABLE)
                        .key(
                            Map.of(
                                "branch-key-id",
                                AttributeValue.fromS(id),
                                "type",
                                AttributeValue.fromS("branch:version:" + version))))
            .item();
    assertThat(decryptOnly).doesNotContainKey("version").containsKey("enc");
    Map<String, AttributeValue> beacon =
        ddb.getItem(
                b ->
                    b.tableName(TABLE)
                        .key(
                            Map.of(
                                "branch-key-id",
                                AttributeValue.fromS(id),
                                "type",
                                AttributeValue.fromS("beacon:ACTIVE"))))
            .item();
    assertThat(beacon).doesNotContainKey("version").containsKey("enc");
  }

  @Test
  void aMissingTableIsExplained() {
    BranchKeyStore store =
        DynamoDbBranchKeyStore.builder()
            .dynamoDbClient(ddb)
            .tableName("NoSuchTable")
            .kmsKeyArn(KmsFixture.K1)
            .kmsClientSupplier(app)
            .build();
    assertThatThrownBy(() -> store.activeBranchKey("x"))
        .isInstanceOfSatisfying(
            BranchKeyStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(BranchKeyStoreException.Reason.STORE_UNAVAILABLE))
        .hasMessageContaining("NoSuchTable does not exist")
        .hasMessageContaining("createTable()");
  }
}
