package dev.envelope.aws;

import dev.envelope.aws.BranchKeyStoreException.Reason;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Branch key records in one SQL table, one row per record, primary key (branch key id, type).
 * Creation inserts the three rows in one transaction, so the primary key makes it conditional;
 * rotation inserts the new version row and updates the active row only where its {@code enc} is
 * still the one read, in one transaction.
 *
 * <p>The custom encryption context is one text column, form-encoded ({@code k=v&k2=v2}, UTF-8,
 * sorted by key).
 */
final class JdbcBranchKeyTable implements BranchKeyTable {
  private static final String COLUMNS =
      "branch_key_id, item_type, active_version, enc, kms_arn, create_time,"
          + " hierarchy_version, encryption_context";

  /** Opens a connection; the table closes it. */
  @FunctionalInterface
  interface ConnectionSource {
    Connection open() throws SQLException;
  }

  private final ConnectionSource connections;
  private final String table;
  private final String where;
  private final int queryTimeoutSeconds;

  JdbcBranchKeyTable(
      ConnectionSource connections, String table, String where, int queryTimeoutSeconds) {
    this.connections = connections;
    this.table = table;
    this.where = where;
    this.queryTimeoutSeconds = queryTimeoutSeconds;
  }

  @Override
  public String description() {
    return "JDBC table " + table + " " + where;
  }

  /** Creates the table if it does not exist; BYTEA on PostgreSQL, VARBINARY elsewhere. */
  @Override
  public void createTable() {
    run(
        "create table " + table,
        c -> {
          String product = c.getMetaData().getDatabaseProductName();
          String binary =
              product != null && product.toLowerCase(java.util.Locale.ROOT).contains("postgres")
                  ? "BYTEA"
                  : "VARBINARY(4096)";
          try (Statement s = c.createStatement()) {
            s.setQueryTimeout(queryTimeoutSeconds);
            s.executeUpdate(
                "CREATE TABLE IF NOT EXISTS "
                    + table
                    + " ("
                    + "branch_key_id VARCHAR(512) NOT NULL, "
                    + "item_type VARCHAR(128) NOT NULL, "
                    + "active_version VARCHAR(128), "
                    + "enc "
                    + binary
                    + " NOT NULL, "
                    + "kms_arn VARCHAR(2048) NOT NULL, "
                    + "create_time VARCHAR(64) NOT NULL, "
                    + "hierarchy_version INTEGER NOT NULL, "
                    + "encryption_context VARCHAR(8192) NOT NULL, "
                    + "PRIMARY KEY (branch_key_id, item_type))");
          }
          return null;
        });
  }

  @Override
  public Optional<BranchKeyItem> get(String branchKeyId, String type) {
    return run(
        "read",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM "
                      + table
                      + " WHERE branch_key_id = ? AND item_type = ?")) {
            s.setQueryTimeout(queryTimeoutSeconds);
            s.setString(1, branchKeyId);
            s.setString(2, type);
            try (ResultSet r = s.executeQuery()) {
              return r.next() ? Optional.of(item(r)) : Optional.<BranchKeyItem>empty();
            }
          }
        });
  }

  @Override
  public List<BranchKeyItem> all(String branchKeyId) {
    return run(
        "read",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT " + COLUMNS + " FROM " + table + " WHERE branch_key_id = ?")) {
            s.setQueryTimeout(queryTimeoutSeconds);
            s.setString(1, branchKeyId);
            List<BranchKeyItem> items = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                items.add(item(r));
              }
            }
            return items;
          }
        });
  }

  @Override
  public void insertBranchKey(BranchKeyItem version, BranchKeyItem active, BranchKeyItem beacon) {
    transaction(
        "insert",
        c -> {
          for (BranchKeyItem item : List.of(version, active, beacon)) {
            insert(c, item);
          }
          return true;
        },
        Reason.ALREADY_EXISTS);
  }

  @Override
  public void insertVersion(BranchKeyItem version, BranchKeyItem active, byte[] expectedActiveEnc) {
    boolean updated =
        transaction(
            "rotate",
            c -> {
              insert(c, version);
              try (PreparedStatement s =
                  c.prepareStatement(
                      "UPDATE "
                          + table
                          + " SET active_version = ?, enc = ?,"
                          + " kms_arn = ?, create_time = ?, hierarchy_version = ?, encryption_context = ?"
                          + " WHERE branch_key_id = ? AND item_type = ? AND enc = ?")) {
                s.setQueryTimeout(queryTimeoutSeconds);
                Map<String, String> a = active.attributes();
                s.setString(1, a.get(BranchKeyItem.VERSION));
                s.setBytes(2, active.enc());
                s.setString(3, active.kmsArn());
                s.setString(4, active.createTime());
                s.setInt(5, hierarchyVersion(active));
                s.setString(6, encodeContext(active.customContext()));
                s.setString(7, active.branchKeyId());
                s.setString(8, BranchKeyItem.TYPE_ACTIVE);
                s.setBytes(9, expectedActiveEnc);
                return s.executeUpdate() == 1;
              }
            },
            Reason.CONCURRENT_MODIFICATION);
    if (!updated) {
      throw new Failure(
          Reason.CONCURRENT_MODIFICATION, "the active row changed since it was read", null);
    }
  }

  private void insert(Connection c, BranchKeyItem item) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setQueryTimeout(queryTimeoutSeconds);
      s.setString(1, item.branchKeyId());
      s.setString(2, item.type());
      s.setString(3, item.attributes().get(BranchKeyItem.VERSION));
      s.setBytes(4, item.enc());
      s.setString(5, item.kmsArn());
      s.setString(6, item.createTime());
      s.setInt(7, hierarchyVersion(item));
      s.setString(8, encodeContext(item.customContext()));
      s.executeUpdate();
    }
  }

  private static int hierarchyVersion(BranchKeyItem item) {
    return Integer.parseInt(item.attributes().get(BranchKeyItem.HIERARCHY_VERSION));
  }

  private static BranchKeyItem item(ResultSet r) throws SQLException {
    Map<String, String> a = new TreeMap<>();
    a.put(BranchKeyItem.BRANCH_KEY_ID, r.getString(1));
    a.put(BranchKeyItem.TYPE, r.getString(2));
    String activeVersion = r.getString(3);
    if (activeVersion != null) {
      a.put(BranchKeyItem.VERSION, activeVersion);
    }
    byte[] enc = r.getBytes(4);
    a.put(BranchKeyItem.KMS_ARN, r.getString(5));
    a.put(BranchKeyItem.CREATE_TIME, r.getString(6));
    a.put(BranchKeyItem.HIERARCHY_VERSION, Integer.toString(r.getInt(7)));
    decodeContext(r.getString(8)).forEach((k, v) -> a.put(BranchKeyItem.CUSTOM_PREFIX + k, v));
    a.values().removeIf(v -> v == null);
    return new BranchKeyItem(a, enc == null ? new byte[0] : enc);
  }

  static String encodeContext(Map<String, String> context) {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(context)
        .forEach(
            (k, v) -> {
              if (b.length() > 0) {
                b.append('&');
              }
              b.append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                  .append('=')
                  .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            });
    return b.toString();
  }

  static Map<String, String> decodeContext(String encoded) {
    Map<String, String> context = new TreeMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return context;
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      if (eq < 0) {
        throw new Failure(Reason.INVALID_RECORD, "malformed encryption_context column", null);
      }
      context.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return context;
  }

  private interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  private <T> T run(String what, Work<T> work) {
    try (Connection c = connections.open()) {
      return work.apply(c);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** Runs {@code work} in one transaction; a duplicate key becomes {@code duplicate}. */
  private <T> T transaction(String what, Work<T> work, Reason duplicate) {
    try (Connection c = connections.open()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.apply(c);
        if (Boolean.FALSE.equals(result)) {
          c.rollback();
        } else {
          c.commit();
        }
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        if (e instanceof SQLException sql && isDuplicateKey(sql)) {
          throw new Failure(
              duplicate,
              "a row with that key already exists (SQLState " + sql.getSQLState() + ")",
              sql);
        }
        throw e;
      } finally {
        restoreQuietly(c, autoCommit);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void restoreQuietly(Connection c, boolean autoCommit) {
    try {
      c.setAutoCommit(autoCommit);
    } catch (SQLException e) {
      // the connection is being closed anyway
    }
  }

  private static boolean isDuplicateKey(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      if ("23505".equals(s.getSQLState())
          || (s.getSQLState() != null
              && s.getSQLState().startsWith("23")
              && e instanceof java.sql.SQLIntegrityConstraintViolationException)) {
        return true;
      }
    }
    return false;
  }

  private Failure failure(String what, SQLException e) {
    String state = e.getSQLState();
    String hint =
        state == null
            ? ""
            : state.startsWith("08")
                ? ": the database could not be reached (connection failure); check that it runs"
                    + " and the URL, host and port"
                : state.startsWith("42")
                    ? ": the table may be missing or differ from the expected schema; create it with"
                        + " JdbcBranchKeyStore.createTable()"
                    : e instanceof java.sql.SQLTimeoutException || "57014".equals(state)
                        ? ": the query timed out after " + queryTimeoutSeconds + " s"
                        : "";
    return new Failure(
        Reason.STORE_UNAVAILABLE,
        what + " failed (SQLState " + state + "): " + e.getMessage() + hint,
        e);
  }
}
