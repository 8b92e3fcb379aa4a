package dev.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.keyring.GatedAsyncKeyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.materials.RequiredEncryptionContextMaterialsManager;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The asynchronous API: same messages as the blocking one, and no data key outlives its reader. */
class EnvelopeAsyncTest {
  private static final byte[] PLAINTEXT = "async attack at dawn".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> CONTEXT = Map.of("tenant", "acme");

  private static RawAesKeyring rawAes() {
    byte[] key = new byte[32];
    key[0] = 7;
    return RawAesKeyring.builder().keyNamespace("ns").keyName("k").wrappingKey(key).build();
  }

  @Test
  void asyncAndBlockingMessagesAreInterchangeableWithARawKeyring() {
    Envelope envelope = Envelope.builder().keyring(rawAes()).frameSize(7).build();
    byte[] message = envelope.encryptAsync(PLAINTEXT, CONTEXT).join();
    assertThat(envelope.decrypt(message, CONTEXT).plaintext()).isEqualTo(PLAINTEXT);

    byte[] blocking = envelope.encrypt(PLAINTEXT, CONTEXT);
    DecryptResult r = envelope.decryptAsync(blocking, CONTEXT).join();
    assertThat(r.plaintext()).isEqualTo(PLAINTEXT);
    assertThat(r.encryptionContext()).isEqualTo(CONTEXT);
    assertThat(envelope.decryptAsync(blocking).join().plaintext()).isEqualTo(PLAINTEXT);
  }

  @Test
  void theFutureWaitsForTheKeyProviderWithoutBlockingTheCaller() {
    GatedAsyncKeyring keyring = new GatedAsyncKeyring("k", 1);
    Envelope envelope = Envelope.builder().keyring(keyring).build();
    CompletableFuture<byte[]> encrypted = envelope.encryptAsync(PLAINTEXT, CONTEXT);
    assertThat(encrypted).isNotDone(); // the caller's thread came back before the key existed
    assertThat(keyring.waiting()).isEqualTo(1);
    keyring.releaseAll();
    byte[] message = encrypted.join();
    assertThat(keyring.isZeroed(0)).isTrue(); // the message is written: its data key is gone

    CompletableFuture<DecryptResult> decrypted = envelope.decryptAsync(message, CONTEXT);
    assertThat(decrypted).isNotDone();
    keyring.releaseAll();
    assertThat(decrypted.join().plaintext()).isEqualTo(PLAINTEXT);
    assertThat(keyring.isZeroed(1)).isTrue();
  }

  @Test
  void cancellingTheFutureCancelsTheKeyProviderCallAndZeroesALateKey() {
    GatedAsyncKeyring keyring = new GatedAsyncKeyring("k", 1);
    Envelope envelope = Envelope.builder().keyring(keyring).build();
    CompletableFuture<byte[]> encrypted = envelope.encryptAsync(PLAINTEXT, CONTEXT);
    encrypted.cancel(true);
    assertThat(keyring.returned.get(0).isCancelled()).isTrue(); // cancellation reached the keyring
    keyring.releaseAll(); // the provider answers anyway
    assertThat(keyring.produced).hasSize(1);
    assertThat(keyring.isZeroed(0)).isTrue();
  }

  @Test
  void aKeyThatArrivesAfterTheCallerGaveUpIsZeroedEvenIfTheKeyringCannotCancel() {
    GatedAsyncKeyring keyring = new GatedAsyncKeyring("k", 1).ignoringCancel();
    Envelope envelope = Envelope.builder().keyring(keyring).build();
    CompletableFuture<byte[]> encrypted =
        envelope.encryptAsync(PLAINTEXT, CONTEXT).orTimeout(1, TimeUnit.MILLISECONDS);
    assertThatThrownBy(encrypted::join).hasCauseInstanceOf(TimeoutException.class);
    keyring.releaseAll();
    assertThat(keyring.returned.get(0)).isCompleted(); // the keyring delivered a key ...
    assertThat(keyring.isZeroed(0)).isTrue(); // ... which the layers above zeroed unused

    byte[] message =
        Envelope.builder().keyring(keyring.ungated()).build().encrypt(PLAINTEXT, CONTEXT);
    GatedAsyncKeyring gatedAgain = new GatedAsyncKeyring("k", 1).ignoringCancel();
    CompletableFuture<DecryptResult> decrypted =
        Envelope.builder().keyring(gatedAgain).build().decryptAsync(message, CONTEXT);
    decrypted.cancel(false);
    gatedAgain.releaseAll();
    assertThat(gatedAgain.produced).hasSize(1);
    assertThat(gatedAgain.isZeroed(0)).isTrue();
    assertThatThrownBy(decrypted::join).isInstanceOf(CancellationException.class);
  }

  @Test
  void failuresCompleteTheFutureAndNothingIsThrownByTheCall() {
    Envelope envelope = Envelope.builder().keyring(rawAes()).build();
    assertThat(envelope.encryptAsync(null, CONTEXT))
        .failsWithin(java.time.Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> envelope.encryptAsync(PLAINTEXT, Map.of("aws-crypto-x", "y")).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class);

    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    assertThatThrownBy(() -> envelope.decryptAsync(message, Map.of("tenant", "other")).join())
        .hasCauseInstanceOf(EncryptionContextMismatchException.class);
    byte[] truncated = java.util.Arrays.copyOf(message, message.length - 1);
    assertThatThrownBy(() -> envelope.decryptAsync(truncated, CONTEXT).join())
        .hasCauseInstanceOf(InvalidMessageException.class);

    Envelope otherKey =
        Envelope.builder()
            .keyring(
                RawAesKeyring.builder()
                    .keyNamespace("ns")
                    .keyName("other")
                    .wrappingKey(new byte[32])
                    .build())
            .build();
    assertThatThrownBy(() -> otherKey.decryptAsync(message, CONTEXT).join())
        .hasCauseInstanceOf(NoUsableDataKeyException.class);
  }

  @Test
  void requiredContextWorksAsyncIncludingTheUnstoredPairDiagnosis() {
    RequiredEncryptionContextMaterialsManager required =
        RequiredEncryptionContextMaterialsManager.builder()
            .keyring(new GatedAsyncKeyring("k", 3).ungated())
            .requiredKeys(Set.of("tenant"))
            .build();
    Envelope envelope = Envelope.builder().materialsManager(required).build();
    Map<String, String> context = Map.of("tenant", "acme", "purpose", "invoice");
    byte[] message = envelope.encryptAsync(PLAINTEXT, context).join();
    assertThat(envelope.decryptAsync(message, context).join().plaintext()).isEqualTo(PLAINTEXT);
    assertThatThrownBy(() -> envelope.decryptAsync(message, Map.of("purpose", "invoice")).join())
        .hasCauseInstanceOf(EncryptionContextMismatchException.class);

    // A message written without required pairs: an expected extra pair is a context mismatch.
    Envelope plain = Envelope.builder().keyring(new GatedAsyncKeyring("k", 3).ungated()).build();
    byte[] noRequired = plain.encrypt(PLAINTEXT, Map.of("purpose", "invoice"));
    assertThatThrownBy(() -> plain.decryptAsync(noRequired, context).join())
        .hasCauseInstanceOf(EncryptionContextMismatchException.class);
    // The same pair with another value than the one it was written with: not authenticated.
    assertThatThrownBy(
            () ->
                plain.decryptAsync(message, Map.of("tenant", "other", "purpose", "invoice")).join())
        .hasCauseInstanceOf(InvalidMessageException.class);
  }
}
