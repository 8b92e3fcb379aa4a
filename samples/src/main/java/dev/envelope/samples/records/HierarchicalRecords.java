package dev.envelope.samples.records;

import dev.envelope.Envelope;
import dev.envelope.aws.HierarchicalKeyring;
import dev.envelope.aws.JdbcBranchKeyStore;
import dev.envelope.samples.support.DevKms;
import java.io.PrintStream;
import java.sql.Connection;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

/**
 * The records workload again, with the hierarchical keyring: branch keys in a {@code branch_keys}
 * table of the same database ({@link JdbcBranchKeyStore}), data keys wrapped locally. Every cell
 * still has its own data key and its own context, but the KMS is asked only for the branch key:
 * once by the writer and once by a cold reader, instead of once per cell.
 */
final class HierarchicalRecords {
  /** KMS calls the hierarchical run cost, from the local KMS audit log. */
  record Report(
      long setupCalls,
      long insertCalls,
      long firstReadCalls,
      long laterReadCalls,
      long cellsDecrypted) {}

  private static final String[] KMS_OPERATIONS = {
    "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncrypt", "Decrypt", "Encrypt"
  };

  private HierarchicalRecords() {}

  static Report run(
      DevKms kms,
      String keyArn,
      String jdbcUrl,
      Connection db,
      long rows,
      int readPasses,
      Duration ttl,
      PrintStream out)
      throws Exception {
    Properties credentials = new Properties();
    credentials.setProperty("user", "sa");
    credentials.setProperty("password", "");
    JdbcBranchKeyStore branchKeys =
        JdbcBranchKeyStore.builder()
            .jdbcUrl(jdbcUrl, credentials)
            .tableName("branch_keys")
            .logicalKeyStoreName("records-sample")
            .kmsKeyArn(keyArn)
            .kmsClientSupplier(kms.clientSupplier())
            .build();
    long s0 = kms.calls(KMS_OPERATIONS);
    branchKeys.createTable();
    String branchKeyId = branchKeys.createBranchKey();
    long setup = kms.calls(KMS_OPERATIONS) - s0;

    // Two keyrings, as two processes would have: the writer's cache does not help the reader.
    Envelope writer = Envelope.builder().keyring(keyring(branchKeys, branchKeyId, ttl)).build();
    Envelope reader = Envelope.builder().keyring(keyring(branchKeys, branchKeyId, ttl)).build();
    OrderStore store = new OrderStore(db, writer, reader);
    store.createTable();

    out.println();
    out.println(
        "Same workload, hierarchical keyring (branch key "
            + branchKeyId
            + " in table branch_keys, TTL "
            + ttl
            + "):");
    out.printf(
        Locale.ROOT,
        "Branch key created: %d KMS calls (GenerateDataKeyWithoutPlaintext x2, ReEncrypt)%n",
        setup);
    long i0 = kms.calls(KMS_OPERATIONS);
    long t0 = System.nanoTime();
    for (long id = 1; id <= rows; id++) {
      store.insert(
          new OrderStore.Order(
              id,
              "customer-" + id,
              1000 + id * 7,
              "customer" + id + "@example.com",
              String.format(Locale.ROOT, "4111%012d", id)));
    }
    long insert = kms.calls(KMS_OPERATIONS) - i0;
    out.printf(
        Locale.ROOT,
        "Inserted %d orders (%d encrypted cells) in %.2f s: %d KMS calls%n",
        rows,
        2 * rows,
        (System.nanoTime() - t0) / 1e9,
        insert);
    long first = 0;
    long later = 0;
    for (int pass = 1; pass <= readPasses; pass++) {
      long d0 = kms.calls(KMS_OPERATIONS);
      long r0 = System.nanoTime();
      int n = store.findAll().size();
      long calls = kms.calls(KMS_OPERATIONS) - d0;
      if (pass == 1) {
        first = calls;
      } else {
        later += calls;
      }
      out.printf(
          Locale.ROOT,
          "Read pass %d: %d orders decrypted in %.3f s, %d KMS calls%n",
          pass,
          n,
          (System.nanoTime() - r0) / 1e9,
          calls);
    }
    return new Report(setup, insert, first, later, 2L * rows * readPasses);
  }

  private static HierarchicalKeyring keyring(
      JdbcBranchKeyStore store, String branchKeyId, Duration ttl) {
    return HierarchicalKeyring.builder().keyStore(store).branchKeyId(branchKeyId).ttl(ttl).build();
  }
}
