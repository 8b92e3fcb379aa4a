package dev.envelope.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The per-Region client table both KMS client suppliers use; the suppliers' own tests cover the
 * same checks through their builders.
 */
class RegionalClientsTest {
  private final AtomicInteger made = new AtomicInteger();

  private KmsClient offlineClient(String region) {
    made.incrementAndGet();
    return KmsClient.builder()
        .region(Region.of(region))
        .credentialsProvider(AnonymousCredentialsProvider.create())
        .endpointOverride(URI.create("http://127.0.0.1:1"))
        .build();
  }

  @Test
  void concurrentFirstUseMakesOneClientPerRegion() throws Exception {
    RegionalClients<KmsClient> clients =
        new RegionalClients<>("Test", null, 8, this::offlineClient);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<KmsClient>> results = new ArrayList<>();
    try {
      for (int i = 0; i < 32; i++) {
        String region = i % 2 == 0 ? "us-east-1" : "eu-west-1";
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return clients.client(region);
                }));
      }
      go.countDown();
      for (int i = 0; i < results.size(); i++) {
        assertThat(results.get(i).get()).isSameAs(results.get(i % 2).get());
      }
    } finally {
      pool.shutdownNow();
      clients.close();
    }
    assertThat(made).hasValue(2);
  }

  @Test
  void theBoundCountsRegionsNotCalls() {
    RegionalClients<KmsClient> clients =
        new RegionalClients<>("Test", Set.of("us-east-1", "eu-west-1"), 1, this::offlineClient);
    try {
      KmsClient east = clients.client("us-east-1");
      assertThat(clients.client("us-east-1")).isSameAs(east);
      assertThatThrownBy(() -> clients.client("eu-west-1"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already holds 1 KMS clients (Regions [us-east-1])");
      assertThatThrownBy(() -> clients.client("ap-south-1"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not one of this client supplier's allowed Regions");
      assertThat(made).hasValue(1);
    } finally {
      clients.close();
    }
  }

  @Test
  void anUnknownRegionNamesTheOwnerToAllowIt() {
    RegionalClients<KmsClient> clients =
        new RegionalClients<>("SomeSupplier", null, 8, this::offlineClient);
    assertThatThrownBy(() -> clients.client("xx-future-9"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SomeSupplier.builder().allowedRegions(...)");
    assertThat(made).hasValue(0);
  }

  @Test
  void closeForgetsItsClientsAndRefusesLaterCalls() {
    RegionalClients<KmsClient> clients =
        new RegionalClients<>("Test", null, 8, this::offlineClient);
    clients.client("us-west-2");
    assertThat(clients.regions()).containsExactly("us-west-2");
    clients.close();
    assertThat(clients.regions()).isEmpty();
    assertThatThrownBy(() -> clients.client("us-west-2"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("client supplier closed");
  }

  @Test
  void builderArgumentsAreChecked() {
    assertThat(RegionalClients.checkedRegions(List.of("us-east-1", "us-east-1", "eu-west-1")))
        .containsExactlyInAnyOrder("us-east-1", "eu-west-1");
    assertThatThrownBy(() -> RegionalClients.checkedRegions(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RegionalClients.checkedRegions(List.of("US EAST")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid Region");
    assertThatThrownBy(() -> RegionalClients.checkedMaxClients(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(RegionalClients.checkedMaxClients(3)).isEqualTo(3);
  }
}
