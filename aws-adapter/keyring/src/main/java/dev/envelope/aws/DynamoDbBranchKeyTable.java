package dev.envelope.aws;

import dev.envelope.aws.BranchKeyStoreException.Reason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Branch key records in a DynamoDB table with the AWS Material Providers Library key store's
 * schema: partition key {@code branch-key-id} (S), sort key {@code type} (S); {@code enc} is
 * binary, {@code hierarchy-version} a number, every other attribute a string. Writes are {@code
 * TransactWriteItems} with the specification's conditions; reads are strongly consistent, so a
 * rotation never starts from a stale active record.
 */
final class DynamoDbBranchKeyTable implements BranchKeyTable {
  private static final Map<String, String> ID_NAME = Map.of("#id", BranchKeyItem.BRANCH_KEY_ID);

  private final DynamoDbClient ddb;
  private final String tableName;
  private final String description;

  DynamoDbBranchKeyTable(DynamoDbClient ddb, String tableName) {
    this.ddb = ddb;
    this.tableName = tableName;
    String where;
    try {
      var config = ddb.serviceClientConfiguration();
      where =
          " in "
              + config.region()
              + config.endpointOverride().map(u -> " at " + EndpointText.of(u)).orElse("");
    } catch (RuntimeException e) {
      where = "";
    }
    this.description = "DynamoDB table " + tableName + where;
  }

  @Override
  public String description() {
    return description;
  }

  /**
   * Creates the table (on-demand capacity) unless it exists; an existing table must have the key
   * schema.
   */
  @Override
  public void createTable() {
    try {
      TableDescription t = ddb.describeTable(b -> b.tableName(tableName)).table();
      List<KeySchemaElement> schema = t.keySchema();
      boolean ok =
          schema.size() == 2
              && schema.stream()
                  .anyMatch(
                      k ->
                          k.keyType() == KeyType.HASH
                              && BranchKeyItem.BRANCH_KEY_ID.equals(k.attributeName()))
              && schema.stream()
                  .anyMatch(
                      k ->
                          k.keyType() == KeyType.RANGE
                              && BranchKeyItem.TYPE.equals(k.attributeName()));
      if (!ok) {
        throw new Failure(
            Reason.INVALID_RECORD,
            "table "
                + tableName
                + " exists with key schema "
                + schema
                + "; a branch key table needs partition key branch-key-id (S) and sort key type (S)",
            null);
      }
      return;
    } catch (ResourceNotFoundException e) {
      // create it below
    } catch (SdkException e) {
      throw failure("DescribeTable", e);
    }
    try {
      ddb.createTable(
          b ->
              b.tableName(tableName)
                  .keySchema(
                      k -> k.attributeName(BranchKeyItem.BRANCH_KEY_ID).keyType(KeyType.HASH),
                      k -> k.attributeName(BranchKeyItem.TYPE).keyType(KeyType.RANGE))
                  .attributeDefinitions(
                      a ->
                          a.attributeName(BranchKeyItem.BRANCH_KEY_ID)
                              .attributeType(ScalarAttributeType.S),
                      a -> a.attributeName(BranchKeyItem.TYPE).attributeType(ScalarAttributeType.S))
                  .billingMode("PAY_PER_REQUEST"));
      ddb.waiter().waitUntilTableExists(b -> b.tableName(tableName));
    } catch (SdkException e) {
      throw failure("CreateTable", e);
    }
  }

  @Override
  public Optional<BranchKeyItem> get(String branchKeyId, String type) {
    GetItemResponse r;
    try {
      r = ddb.getItem(b -> b.tableName(tableName).consistentRead(true).key(key(branchKeyId, type)));
    } catch (SdkException e) {
      throw failure("GetItem", e);
    }
    return r.hasItem() && !r.item().isEmpty() ? Optional.of(item(r.item())) : Optional.empty();
  }

  @Override
  public List<BranchKeyItem> all(String branchKeyId) {
    List<BranchKeyItem> items = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    try {
      do {
        QueryRequest.Builder q =
            QueryRequest.builder()
                .tableName(tableName)
                .consistentRead(true)
                .keyConditionExpression("#id = :id")
                .expressionAttributeNames(ID_NAME)
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(branchKeyId)));
        if (start != null) {
          q.exclusiveStartKey(start);
        }
        QueryResponse r = ddb.query(q.build());
        r.items().forEach(i -> items.add(item(i)));
        start =
            r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
                ? r.lastEvaluatedKey()
                : null;
      } while (start != null);
    } catch (SdkException e) {
      throw failure("Query", e);
    }
    return items;
  }

  @Override
  public void insertBranchKey(BranchKeyItem version, BranchKeyItem active, BranchKeyItem beacon) {
    write(Reason.ALREADY_EXISTS, putIfAbsent(version), putIfAbsent(active), putIfAbsent(beacon));
  }

  @Override
  public void insertVersion(BranchKeyItem version, BranchKeyItem active, byte[] expectedActiveEnc) {
    Map<String, String> names =
        Map.of("#id", BranchKeyItem.BRANCH_KEY_ID, "#enc", BranchKeyItem.ENC);
    TransactWriteItem replaceActive =
        TransactWriteItem.builder()
            .put(
                Put.builder()
                    .tableName(tableName)
                    .item(attributes(active))
                    .conditionExpression("attribute_exists(#id) AND #enc = :encOld")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(
                        Map.of(
                            ":encOld",
                            AttributeValue.fromB(SdkBytes.fromByteArray(expectedActiveEnc))))
                    .build())
            .build();
    write(Reason.CONCURRENT_MODIFICATION, putIfAbsent(version), replaceActive);
  }

  private TransactWriteItem putIfAbsent(BranchKeyItem item) {
    return TransactWriteItem.builder()
        .put(
            Put.builder()
                .tableName(tableName)
                .item(attributes(item))
                .conditionExpression("attribute_not_exists(#id)")
                .expressionAttributeNames(ID_NAME)
                .build())
        .build();
  }

  private void write(Reason conditionFailed, TransactWriteItem... items) {
    try {
      ddb.transactWriteItems(b -> b.transactItems(items));
    } catch (TransactionCanceledException e) {
      boolean condition =
          e.hasCancellationReasons()
              && e.cancellationReasons().stream()
                  .map(CancellationReason::code)
                  .anyMatch("ConditionalCheckFailed"::equals);
      if (condition) {
        throw new Failure(
            conditionFailed, "the write's condition failed (request id " + e.requestId() + ")", e);
      }
      throw failure("TransactWriteItems", e);
    } catch (SdkException e) {
      throw failure("TransactWriteItems", e);
    }
  }

  private static Map<String, AttributeValue> key(String branchKeyId, String type) {
    return Map.of(
        BranchKeyItem.BRANCH_KEY_ID,
        AttributeValue.fromS(branchKeyId),
        BranchKeyItem.TYPE,
        AttributeValue.fromS(type));
  }

  /** The record as the MPL writes it: enc binary, hierarchy-version a number, the rest strings. */
  static Map<String, AttributeValue> attributes(BranchKeyItem item) {
    Map<String, AttributeValue> a = new HashMap<>();
    item.attributes()
        .forEach(
            (k, v) ->
                a.put(
                    k,
                    BranchKeyItem.HIERARCHY_VERSION.equals(k)
                        ? AttributeValue.fromN(v)
                        : AttributeValue.fromS(v)));
    a.put(BranchKeyItem.ENC, AttributeValue.fromB(SdkBytes.fromByteArray(item.enc())));
    return a;
  }

  /**
   * Reads a record: strings and numbers become context values (as KMS saw them), enc the
   * ciphertext.
   */
  static BranchKeyItem item(Map<String, AttributeValue> raw) {
    Map<String, String> a = new HashMap<>();
    byte[] enc = null;
    for (Map.Entry<String, AttributeValue> e : raw.entrySet()) {
      AttributeValue v = e.getValue();
      if (BranchKeyItem.ENC.equals(e.getKey())) {
        if (v.b() == null) {
          throw new Failure(Reason.INVALID_RECORD, "attribute enc is not binary", null);
        }
        enc = v.b().asByteArray();
      } else if (v.s() != null) {
        a.put(e.getKey(), v.s());
      } else if (v.n() != null) {
        a.put(e.getKey(), v.n());
      } else {
        throw new Failure(
            Reason.INVALID_RECORD,
            "attribute "
                + e.getKey()
                + " is neither a string nor a number;"
                + " it cannot be part of the KMS encryption context",
            null);
      }
    }
    return new BranchKeyItem(a, enc == null ? new byte[0] : enc);
  }

  private Failure failure(String operation, SdkException e) {
    String detail;
    if (e instanceof ResourceNotFoundException) {
      detail =
          "table "
              + tableName
              + " does not exist there; create it with DynamoDbBranchKeyStore.createTable()"
              + " or check the table name, Region and endpoint";
    } else if (e instanceof AwsServiceException s) {
      String code = s.awsErrorDetails() != null ? s.awsErrorDetails().errorCode() : "error";
      detail =
          "DynamoDB answered "
              + code
              + " (HTTP "
              + s.statusCode()
              + ", request id "
              + s.requestId()
              + "): "
              + (s.awsErrorDetails() != null ? s.awsErrorDetails().errorMessage() : s.getMessage())
              + ("AccessDeniedException".equals(code)
                  ? "; the caller needs dynamodb:GetItem, Query and"
                      + " TransactWriteItems (PutItem) on the table"
                  : "");
    } else {
      detail =
          "DynamoDB did not answer: " + e.getMessage() + "; check that the endpoint is reachable";
    }
    return new Failure(
        Reason.STORE_UNAVAILABLE, operation + " on " + description + " failed: " + detail, e);
  }
}
