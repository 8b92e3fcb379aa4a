package dev.envelope.samples.records;

import dev.envelope.Envelope;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code orders} table with its two sensitive columns encrypted by the application before
 * insert.
 *
 * <p>Each ciphertext is bound to where it belongs: its encryption context names the table, the
 * column and the row's primary key. On read the expected context is rebuilt from the row being
 * read, so a ciphertext copied to another row or another column (by a bug, a bad migration or an
 * attacker with SQL access) is refused instead of being returned as that row's data.
 */
public final class OrderStore {
  public static final String TABLE = "orders";
  public static final String SCHEMA =
      """
      CREATE TABLE orders (
        id            BIGINT PRIMARY KEY,
        customer      VARCHAR(100) NOT NULL,
        amount_cents  BIGINT NOT NULL,
        email         VARBINARY(8192) NOT NULL,  -- encrypted, context {table, column, id}
        card_number   VARBINARY(8192) NOT NULL   -- encrypted, context {table, column, id}
      )""";
  static final String[] SENSITIVE = {"email", "card_number"};

  /** One order in the clear, as the application sees it. */
  public record Order(long id, String customer, long amountCents, String email, String cardNumber) {
    @Override
    public String toString() {
      return "Order[id="
          + id
          + ", customer="
          + customer
          + ", amountCents="
          + amountCents
          + ", email=<redacted>"
          + ", cardNumber=<redacted>]";
    }
  }

  private final Connection db;
  private final Envelope writer;
  private final Envelope reader;

  /**
   * {@code writer} encrypts inserts; {@code reader} decrypts reads (typically through a data-key
   * cache).
   */
  public OrderStore(Connection db, Envelope writer, Envelope reader) {
    this.db = db;
    this.writer = writer;
    this.reader = reader;
  }

  public void createTable() throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute("DROP TABLE IF EXISTS orders");
      s.execute(SCHEMA);
    }
  }

  /** The encryption context of one cell: where the ciphertext is allowed to live. */
  public static Map<String, String> context(String column, long id) {
    return Map.of("table", TABLE, "column", column, "id", Long.toString(id));
  }

  public void insert(Order o) throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "INSERT INTO orders (id, customer, amount_cents, email, card_number) VALUES (?, ?, ?, ?, ?)")) {
      ps.setLong(1, o.id());
      ps.setString(2, o.customer());
      ps.setLong(3, o.amountCents());
      ps.setBytes(4, seal("email", o.id(), o.email()));
      ps.setBytes(5, seal("card_number", o.id(), o.cardNumber()));
      ps.executeUpdate();
    }
  }

  private byte[] seal(String column, long id, String value) {
    return writer.encrypt(value.getBytes(StandardCharsets.UTF_8), context(column, id));
  }

  private String open(String column, long id, byte[] message) {
    // decrypt(message, expected) refuses a message bound to any other table, column or id.
    return new String(
        reader.decrypt(message, context(column, id)).plaintext(), StandardCharsets.UTF_8);
  }

  public Order find(long id) throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "SELECT id, customer, amount_cents, email, card_number FROM orders WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? row(rs) : null;
      }
    }
  }

  public List<Order> findAll() throws SQLException {
    List<Order> out = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT id, customer, amount_cents, email, card_number FROM orders ORDER BY id")) {
      while (rs.next()) {
        out.add(row(rs));
      }
    }
    return out;
  }

  private Order row(ResultSet rs) throws SQLException {
    long id = rs.getLong(1);
    return new Order(
        id,
        rs.getString(2),
        rs.getLong(3),
        open("email", id, rs.getBytes(4)),
        open("card_number", id, rs.getBytes(5)));
  }

  /** Simulates a bad UPDATE: copies one cell's ciphertext into another row and/or column. */
  public void copyCiphertext(long fromId, String fromColumn, long toId, String toColumn)
      throws SQLException {
    check(fromColumn);
    check(toColumn);
    try (PreparedStatement ps =
        db.prepareStatement(
            "UPDATE orders SET "
                + toColumn
                + " = (SELECT "
                + fromColumn
                + " FROM orders WHERE id = ?) WHERE id = ?")) {
      ps.setLong(1, fromId);
      ps.setLong(2, toId);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("no order " + toId);
      }
    }
  }

  private static void check(String column) {
    if (!List.of(SENSITIVE).contains(column)) {
      throw new IllegalArgumentException("not an encrypted column: " + column);
    }
  }

  public long count() throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM orders")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
