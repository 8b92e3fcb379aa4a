package dev.envelope.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
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
    try (Connection c = postgres.connect()) {
      tamperJdbcContext(c, branchKeyId, key, value);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A server that accepts the connection and never answers: without the store's default login
   * timeout the PostgreSQL driver would wait forever.
   */
  @Test
  void aServerThatNeverAnswersFailsWithinTheDefaultDriverTimeouts() throws Exception {
    try (SilentServer silent = SilentServer.start()) {
      JdbcBranchKeyStore hanging =
          JdbcBranchKeyStore.builder()
              .jdbcUrl(
                  "jdbc:postgresql://127.0.0.1:" + silent.port() + "/postgres",
                  postgres.properties())
              .tableName("branch_keys")
              .kmsKeyArn(KmsFixture.K1)
              .kmsClientSupplier(app)
              .queryTimeout(Duration.ofSeconds(1))
              .build();
      long start = System.nanoTime();
      assertThatThrownBy(() -> hanging.describeBranchKey("k"))
          .isInstanceOfSatisfying(
              BranchKeyStoreException.class,
              e ->
                  assertThat(e.reason())
                      .isEqualTo(BranchKeyStoreException.Reason.STORE_UNAVAILABLE))
          .hasMessageContaining("127.0.0.1:" + silent.port());
      assertThat((System.nanoTime() - start) / 1e9).isLessThan(15.0);
    }
  }

  @Test
  void theStoreLeavesDriverTimeoutsTheCallerSet() {
    Properties given = new Properties();
    given.setProperty("socketTimeout", "60");
    Properties pg =
        JdbcBranchKeyStore.Builder.withClientTimeouts(
            "jdbc:postgresql://db/app", given, Duration.ofSeconds(10));
    assertThat(pg).containsEntry("socketTimeout", "60").containsEntry("loginTimeout", "10");
    assertThat(given).doesNotContainKey("loginTimeout");
    assertThat(
            JdbcBranchKeyStore.Builder.withClientTimeouts(
                "jdbc:h2:tcp://db/app", new Properties(), Duration.ofSeconds(10)))
        .isEmpty();
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
