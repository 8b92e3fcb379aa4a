package dev.envelope.samples.records;

import dev.envelope.EncryptionContextMismatchException;
import dev.envelope.Envelope;
import dev.envelope.materials.CachingMaterialsManager;
import dev.envelope.samples.support.DevKms;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Records sample: an {@code orders} table in H2 whose sensitive columns are encrypted with the
 * local KMS, each cell bound to its table, column and primary key. Shows the KMS calls writes and
 * reads cost, what the data-key cache saves on reads, and that a ciphertext moved to another row or
 * column is refused.
 */
@Command(
    name = "records",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Records sample: encrypted columns in an embedded H2 database, reads through the data-key cache.")
public final class RecordsSample implements Callable<Integer> {
  @Option(
      names = "--rows",
      defaultValue = "200",
      description = "Orders to insert (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(
      names = "--read-passes",
      defaultValue = "3",
      description = "Times every row is read back (default: ${DEFAULT-VALUE}).")
  int readPasses;

  @Option(
      names = "--db",
      paramLabel = "FILE",
      description = "H2 database file (without .mv.db) instead of an" + " in-memory database.")
  Path dbFile;

  @Option(
      names = "--cache-max-age",
      defaultValue = "PT5M",
      description = "Data-key cache maxAge for reads, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration maxAge;

  /** What one run measured; the tests check it. */
  public record Report(
      long rows,
      long cellsEncrypted,
      long generateDataKeyCalls,
      long cellsDecrypted,
      long decryptCallsFirstPass,
      long decryptCallsLaterPasses,
      double cacheHits,
      double cacheMisses,
      boolean movedToOtherRowRefused,
      boolean movedToOtherColumnRefused,
      HierarchicalRecords.Report hierarchy) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new RecordsSample()).execute(args));
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (rows < 2 || readPasses < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--rows must be >= 2 and --read-passes >= 1");
    }
    Report r = run(System.out);
    return r.movedToOtherRowRefused() && r.movedToOtherColumnRefused() ? 0 : 1;
  }

  public Report run(PrintStream out) throws Exception {
    if (rows < 2 || readPasses < 1) {
      throw new IllegalArgumentException("--rows must be >= 2 and --read-passes >= 1");
    }
    String url =
        dbFile == null
            ? "jdbc:h2:mem:envelope-records-" + System.nanoTime()
            : "jdbc:h2:file:" + dbFile.toAbsolutePath();
    try (DevKms kms = DevKms.ephemeral();
        Connection db = DriverManager.getConnection(url, "sa", "")) {
      String keyArn = kms.resolveKeyArn(kms.defaultAlias());
      // Writes: every cell has its own context (it names the primary key), so a cached data key
      // could never be reused by another cell; the cache would only add bookkeeping. One data key
      // per cell.
      Envelope writer = Envelope.builder().keyring(kms.keyring(keyArn)).build();
      // Reads: decryption materials are cached per (encrypted data key, context), so re-reading a
      // row within maxAge costs no KMS call.
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      CachingMaterialsManager cache =
          CachingMaterialsManager.builder()
              .keyring(kms.keyring(keyArn))
              .maxAge(maxAge)
              .capacity(Math.max(1000, 4L * rows))
              .partition("orders-read")
              .meterRegistry(meters)
              .build();
      Envelope reader = Envelope.builder().materialsManager(cache).build();
      OrderStore store = new OrderStore(db, writer, reader);
      store.createTable();

      out.println("Records sample: H2 " + url + ", local KMS key " + keyArn);
      out.println(OrderStore.SCHEMA);
      long before = kms.calls("GenerateDataKey");
      long t0 = System.nanoTime();
      for (long id = 1; id <= rows; id++) {
        store.insert(
            new OrderStore.Order(
                id,
                "customer-" + id,
                1000 + id * 7,
                "customer" + id + "@example.com",
                cardNumber(id)));
      }
      long insertNanos = System.nanoTime() - t0;
      long gdk = kms.calls("GenerateDataKey") - before;
      out.printf(
          Locale.ROOT,
          "Inserted %d orders (%d encrypted cells) in %.2f s: %d GenerateDataKey calls%n",
          store.count(),
          2L * rows,
          insertNanos / 1e9,
          gdk);

      long decryptFirst = 0;
      long decryptLater = 0;
      for (int pass = 1; pass <= readPasses; pass++) {
        long d0 = kms.calls("Decrypt");
        long r0 = System.nanoTime();
        int n = store.findAll().size();
        long calls = kms.calls("Decrypt") - d0;
        if (pass == 1) {
          decryptFirst = calls;
        } else {
          decryptLater += calls;
        }
        out.printf(
            Locale.ROOT,
            "Read pass %d: %d orders decrypted in %.3f s, %d KMS Decrypt calls%n",
            pass,
            n,
            (System.nanoTime() - r0) / 1e9,
            calls);
      }
      double hits = meters.counter("envelope.cache.hits", "partition", "orders-read").count();
      double misses = meters.counter("envelope.cache.misses", "partition", "orders-read").count();
      out.printf(
          Locale.ROOT, "Read cache: %.0f hits, %.0f misses (maxAge %s)%n", hits, misses, maxAge);

      OrderStore.Order sample = store.find(2);
      out.println(
          "Order 2 reads back fine: "
              + sample.customer()
              + ", card ending "
              + sample.cardNumber().substring(sample.cardNumber().length() - 4));

      // Tampering: copy order 1's card number ciphertext into order 2's row, same column.
      store.copyCiphertext(1, "card_number", 2, "card_number");
      boolean rowRefused = refused(store, 2, out, "order 1's card_number copied into order 2");
      // And into another column of its own row.
      store.copyCiphertext(1, "card_number", 1, "email");
      boolean columnRefused =
          refused(store, 1, out, "order 1's card_number copied into its email column");

      out.println("KMS calls by operation: " + kms.callsByOperation());
      HierarchicalRecords.Report hierarchy =
          HierarchicalRecords.run(kms, keyArn, url, db, rows, readPasses, maxAge, out);
      out.printf(
          Locale.ROOT,
          "Side by side, %d cells written and read back cold: KMS keyring %d + %d KMS calls,"
              + " hierarchical keyring %d + %d (plus %d once to create the branch key)%n",
          2L * rows,
          gdk,
          decryptFirst,
          hierarchy.insertCalls(),
          hierarchy.firstReadCalls(),
          hierarchy.setupCalls());
      out.println("KMS calls by operation, both runs: " + kms.callsByOperation());
      return new Report(
          rows,
          2L * rows,
          gdk,
          2L * rows * readPasses,
          decryptFirst,
          decryptLater,
          hits,
          misses,
          rowRefused,
          columnRefused,
          hierarchy);
    }
  }

  private static boolean refused(OrderStore store, long id, PrintStream out, String what)
      throws Exception {
    try {
      store.find(id);
      out.println("NOT refused: " + what + " decrypted as if it belonged there");
      return false;
    } catch (EncryptionContextMismatchException e) {
      out.println("Refused as expected: " + what + " -> context differs in " + e.differingKeys());
      return true;
    }
  }

  /** A test card number (the 4111... Visa test range); not a real one. */
  private static String cardNumber(long id) {
    return String.format(Locale.ROOT, "4111%012d", id);
  }
}
