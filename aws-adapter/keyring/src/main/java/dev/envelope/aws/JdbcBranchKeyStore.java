package dev.envelope.aws;

import dev.envelope.internal.text.UntrustedText;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link BranchKeyStore} in one SQL table, reached through JDBC: PostgreSQL, H2, or any database
 * with transactions and a binary column type. The AWS Material Providers Library dropped its
 * non-DynamoDB stores; this one keeps the same records (the same KMS calls and encryption contexts)
 * in a table of your database:
 *
 * <pre>{@code
 * JdbcBranchKeyStore store = JdbcBranchKeyStore.builder()
 *     .dataSource(dataSource)                 // or .jdbcUrl("jdbc:postgresql://db:5432/app", props)
 *     .tableName("branch_keys")
 *     .logicalKeyStoreName("branch_keys")
 *     .kmsKeyArn("arn:aws:kms:us-east-1:111122223333:key/1234abcd-...")
 *     .build();
 * store.createTable();                          // CREATE TABLE IF NOT EXISTS
 * String id = store.createBranchKey();
 * }</pre>
 *
 * <p>Creation and rotation are conditional (primary key, and an update of the active row only where
 * it is unchanged), so concurrent writers never overwrite each other.
 *
 * <p><b>Timeouts.</b> Every statement has a query timeout (10 s by default), which the database
 * enforces. A database that accepts connections but never answers needs client-side timeouts too:
 * with a {@link Builder#jdbcUrl jdbcUrl} to PostgreSQL the store sets the driver's {@code
 * loginTimeout} (connecting and logging in) to the query timeout and its {@code socketTimeout}
 * (every read) to twice it, unless the URL or the properties set them. Other drivers keep their own
 * defaults (H2's TCP client has no read timeout); with a {@link Builder#dataSource DataSource}, set
 * them on the pool and its driver. Whatever the store does, a {@link HierarchicalKeyring} stops
 * waiting for it after its {@linkplain HierarchicalKeyring.Builder#loadTimeout load timeout}.
 *
 * <p>No JDBC driver is a dependency of Envelope: bring your own.
 */
public final class JdbcBranchKeyStore extends TableBranchKeyStore {
  private static final Pattern TABLE =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

  private JdbcBranchKeyStore(JdbcBranchKeyTable table, StoredBranchKeys keys) {
    super(table, keys);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link JdbcBranchKeyStore}. */
  public static final class Builder {
    private DataSource dataSource;
    private String jdbcUrl;
    private Properties jdbcProperties;
    private String tableName;
    private String logicalKeyStoreName;
    private String kmsKeyArn;
    private KmsClientSupplier kmsClients;
    private List<String> grantTokens = List.of();
    private MeterRegistry meterRegistry;
    private Duration queryTimeout = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Where connections come from (a pool, usually). Excludes {@link #jdbcUrl}. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * Connects with {@link DriverManager} for each operation (no pool: the keyring reads branch
     * keys once per TTL). {@code properties} holds {@code user}, {@code password} and driver
     * settings. Excludes {@link #dataSource}.
     */
    public Builder jdbcUrl(String url, Properties properties) {
      this.jdbcUrl = Objects.requireNonNull(url, "url");
      this.jdbcProperties = (Properties) Objects.requireNonNull(properties, "properties").clone();
      return this;
    }

    /** The table, optionally schema-qualified; letters, digits and underscores only. */
    public Builder tableName(String tableName) {
      this.tableName = Objects.requireNonNull(tableName, "tableName");
      return this;
    }

    /** Bound into every branch key's KMS encryption context; defaults to the table name. */
    public Builder logicalKeyStoreName(String name) {
      this.logicalKeyStoreName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The KMS key (key ARN, not an alias) that wraps the branch keys. */
    public Builder kmsKeyArn(String kmsKeyArn) {
      this.kmsKeyArn = Objects.requireNonNull(kmsKeyArn, "kmsKeyArn");
      return this;
    }

    /** KMS clients; by default a {@link CachingKmsClientSupplier} with the SDK's defaults. */
    public Builder kmsClientSupplier(KmsClientSupplier clients) {
      this.kmsClients = Objects.requireNonNull(clients, "clients");
      return this;
    }

    /** Grant tokens sent with every KMS request (at most 10). */
    public Builder grantTokens(List<String> tokens) {
      this.grantTokens = KmsCalls.validateGrantTokens(List.copyOf(tokens));
      return this;
    }

    /**
     * Publishes the KMS meters of the store's calls (the KMS keyring's {@code envelope.kms.*}: a
     * timer per call by operation, Region and outcome, retries, throttles, calls in flight).
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * The timeout of every statement (whole seconds, at least 1); default 10 s. With a PostgreSQL
     * {@link #jdbcUrl} it also sets the driver's login timeout (the same) and socket timeout (twice
     * it) unless given.
     */
    public Builder queryTimeout(Duration timeout) {
      if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "query timeout must be at least 1 second, got " + timeout);
      }
      this.queryTimeout = timeout;
      return this;
    }

    /**
     * PostgreSQL's driver waits forever by default for a server that accepted the connection: give
     * it a login timeout and a socket timeout, leaving any the caller set (in the URL, which the
     * driver prefers, or in the properties).
     */
    static Properties withClientTimeouts(String url, Properties given, Duration queryTimeout) {
      Properties props = (Properties) given.clone();
      if (url.startsWith("jdbc:postgresql:")) {
        long seconds = Math.max(1, queryTimeout.toSeconds());
        props.putIfAbsent("loginTimeout", Long.toString(seconds));
        props.putIfAbsent("socketTimeout", Long.toString(2 * seconds));
      }
      return props;
    }

    /** For tests: the clock of create-time. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public JdbcBranchKeyStore build() {
      if ((dataSource == null) == (jdbcUrl == null)) {
        throw new IllegalArgumentException("set exactly one of dataSource and jdbcUrl");
      }
      if (tableName == null || !TABLE.matcher(tableName).matches()) {
        throw new IllegalArgumentException(
            "tableName must be an SQL identifier (letters, digits, underscores,"
                + " optionally schema.table), got "
                + (tableName == null
                    ? "none"
                    : UntrustedText.printable(tableName, UntrustedText.MAX_CHARS)));
      }
      KmsArn key = BranchKeyStores.kmsKey(kmsKeyArn);
      JdbcBranchKeyTable.ConnectionSource connections;
      String where;
      if (dataSource != null) {
        DataSource ds = dataSource;
        connections = ds::getConnection;
        where = "(DataSource " + ds.getClass().getName() + ")";
      } else {
        String url = jdbcUrl;
        Properties props = withClientTimeouts(url, jdbcProperties, queryTimeout);
        connections = () -> DriverManager.getConnection(url, props);
        where = "at " + BranchKeyStores.withoutJdbcParameters(url);
      }
      JdbcBranchKeyTable table =
          new JdbcBranchKeyTable(
              connections, tableName, where, (int) Math.max(1, queryTimeout.toSeconds()));
      String logical = logicalKeyStoreName != null ? logicalKeyStoreName : tableName;
      KmsCalls kms = BranchKeyStores.kmsCalls(kmsClients, grantTokens, meterRegistry);
      return new JdbcBranchKeyStore(table, new StoredBranchKeys(table, logical, key, kms, clock));
    }
  }
}
