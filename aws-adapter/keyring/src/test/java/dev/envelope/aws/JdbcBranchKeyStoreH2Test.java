package dev.envelope.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link JdbcBranchKeyStore} on an embedded H2 database. */
class JdbcBranchKeyStoreH2Test extends BranchKeyStoreContract {
  private static final String URL =
      "jdbc:h2:mem:branchkeys-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  private static Connection keepAlive;

  @BeforeAll
  static void createTable() throws SQLException {
    keepAlive = DriverManager.getConnection(URL);
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    keepAlive.close();
  }

  private static Properties props() {
    return new Properties();
  }

  @Override
  BranchKeyStore store(String kmsKey, KmsClientSupplier clients) {
    JdbcBranchKeyStore store =
        JdbcBranchKeyStore.builder()
            .jdbcUrl(URL, props())
            .tableName("branch_keys")
            .logicalKeyStoreName("h2-keys")
            .kmsKeyArn(kmsKey)
            .kmsClientSupplier(clients)
            .build();
    store.createTable();
    return store;
  }

  @Override
  BranchKeyStore unreachableStore() {
    // H2's TCP client to a port where nothing listens.
    return JdbcBranchKeyStore.builder()
        .jdbcUrl("jdbc:h2:tcp://127.0.0.1:1/nothing", props())
        .tableName("branch_keys")
        .kmsKeyArn(KmsFixture.K1)
        .kmsClientSupplier(app)
        .build();
  }

  @Override
  void tamperContext(String branchKeyId, String key, String value) {
    tamperJdbcContext(keepAlive, branchKeyId, key, value);
  }

  @Test
  void recordsAreOneRowEachWithTheContextFormEncoded() throws SQLException {
    BranchKeyStore store = store();
    String id = store.createBranchKey("rows-" + UUID.randomUUID(), Map.of("a&b", "c=d é"));
    try (PreparedStatement s =
        keepAlive.prepareStatement(
            "SELECT item_type, active_version, hierarchy_version,"
                + " encryption_context, kms_arn FROM branch_keys WHERE branch_key_id = ? ORDER BY item_type")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("beacon:ACTIVE");
        assertThat(r.getString(2)).isNull();
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("branch:ACTIVE");
        assertThat(r.getString(2)).startsWith("branch:version:");
        assertThat(r.getInt(3)).isEqualTo(1);
        assertThat(r.getString(4)).isEqualTo("a%26b=c%3Dd+%C3%A9");
        assertThat(r.getString(5)).isEqualTo(KmsFixture.K1);
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).startsWith("branch:version:");
        assertThat(r.next()).isFalse();
      }
    }
    try (BranchKeyMaterials m = store.activeBranchKey(id)) {
      assertThat(m.encryptionContext()).isEqualTo(Map.of("a&b", "c=d é"));
    }
  }

  @Test
  void badConfigurationIsRefusedAtBuildTime() {
    assertThatThrownBy(
            () ->
                JdbcBranchKeyStore.builder()
                    .jdbcUrl(URL, props())
                    .tableName("x; DROP TABLE y")
                    .kmsKeyArn(KmsFixture.K1)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SQL identifier");
    assertThatThrownBy(
            () ->
                JdbcBranchKeyStore.builder()
                    .jdbcUrl(URL, props())
                    .tableName("t")
                    .kmsKeyArn(KmsFixture.ALIAS_K1)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an alias");
    assertThat(
            BranchKeyStores.withoutJdbcParameters(
                "jdbc:postgresql://u:secret@db:5432/app?password=x"))
        .isEqualTo("jdbc:postgresql://db:5432/app");
  }
}
