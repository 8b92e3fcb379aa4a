package dev.envelope.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link JdbcBranchKeyStore} on a real PostgreSQL server, a throwaway cluster started for this
 * class.
 */
class JdbcBranchKeyStorePostgresTest extends BranchKeyStoreContract {
  private static PostgresServer postgres;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  BranchKeyStore store(String kmsKey, KmsClientSupplier clients) {
    JdbcBranchKeyStore store =
        JdbcBranchKeyStore.builder()
            .jdbcUrl(postgres.jdbcUrl(), postgres.properties())
            .tableName("branch_keys")
            .logicalKeyStoreName("pg-keys")
            .kmsKeyArn(kmsKey)
            .kmsClientSupplier(clients)
            .build();
    store.createTable();
    return store;
  }

  @Override
  BranchKeyStore unreachableStore() {
    Properties p = postgres.properties();
    return JdbcBranchKeyStore.builder()
        .jdbcUrl("jdbc:postgresql://127.0.0.1:1/postgres?connectTimeout=5", p)
        .tableName("branch_keys")
        .kmsKeyArn(KmsFixture.K1)
        .kmsClientSupplier(app)
        .build();
  }

  @Override
  void tamperContext(String branchKeyId, String key, String value) {
    try (Connection c = postgres.connect();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE branch_keys SET encryption_context = ? WHERE branch_key_id = ?")) {
      s.setString(1, JdbcBranchKeyTable.encodeContext(Map.of(key, value)));
      s.setString(2, branchKeyId);
      assertThat(s.executeUpdate()).isEqualTo(3);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theTableUsesByteaOnPostgres() throws SQLException {
    store();
    try (Connection c = postgres.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT data_type FROM information_schema.columns WHERE table_name = 'branch_keys' AND column_name = 'enc'");
        ResultSet r = s.executeQuery()) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("bytea");
    }
  }
}
