package dev.envelope.internal.format;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.internal.crypto.AesGcm;
import dev.envelope.internal.crypto.RandomSource;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.materials.CachingMaterialsManager;
import dev.envelope.materials.EncryptionRequest;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ScratchAllocProbeTest {
  static final com.sun.management.ThreadMXBean MX =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  static long alloc(Runnable r) {
    for (int i = 0; i < 20000; i++) r.run();
    long id = Thread.currentThread().getId();
    long a = MX.getThreadAllocatedBytes(id);
    int n = 20000;
    for (int i = 0; i < n; i++) r.run();
    return (MX.getThreadAllocatedBytes(id) - a) / n;
  }

  @Test
  void probe() {
    byte[] k = new byte[32];
    RawAesKeyring kr =
        RawAesKeyring.builder()
            .keyNamespace("bench")
            .keyName("wrapping-key")
            .wrappingKey(k)
            .build();
    CachingMaterialsManager cmm =
        CachingMaterialsManager.builder()
            .keyring(kr)
            .maxAge(Duration.ofMinutes(10))
            .maxMessages(1_000_000_000L)
            .capacity(1000)
            .build();
    Envelope env = Envelope.builder().materialsManager(cmm).build();
    Map<String, String> ctx = Map.of("tenant", "acme", "purpose", "benchmark");
    byte[] pt = new byte[1024];
    byte[] msg = env.encrypt(pt, ctx);
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    EncryptionRequest req = new EncryptionRequest(ctx, suite, OptionalLong.of(1024));
    System.out.println("encrypt total " + alloc(() -> env.encrypt(pt, ctx)));
    System.out.println("decrypt total " + alloc(() -> env.decrypt(msg, ctx)));
    System.out.println(
        "cache get enc materials+close " + alloc(() -> cmm.getEncryptionMaterials(req).close()));
    EncryptionMaterials m = cmm.getEncryptionMaterials(req);
    byte[] id = new byte[32];
    System.out.println("random id " + alloc(() -> RandomSource.get().nextBytes(new byte[32])));
    System.out.println(
        "derive " + alloc(() -> MessageKeys.derive(suite, m.dataKey().bytes(), id).close()));
    System.out.println(
        "encryptor ctor+close "
            + alloc(
                () ->
                    new MessageEncryptor(m, 65536, AesGcm.forThread(), RandomSource.get())
                        .close()));
    System.out.println(
        "encryptor+encryptMessage "
            + alloc(
                () -> {
                  try (MessageEncryptor e =
                      new MessageEncryptor(m, 65536, AesGcm.forThread(), RandomSource.get())) {
                    e.encryptMessage(pt);
                  }
                }));
    MessageKeys keys = MessageKeys.derive(suite, m.dataKey().bytes(), id);
    System.out.println(
        "header forEncryption "
            + alloc(
                () ->
                    MessageHeader.forEncryption(
                            suite, id, ctx, m.encryptedDataKeys(), 65536, keys.commitment())
                        .withAuthTag(new byte[16])
                        .toByteArray()));
    System.out.println("ctx serialize " + alloc(() -> EncryptionContextCodec.serialize(ctx)));
    byte[] tag = new byte[16];
    byte[] iv = new byte[12];
    AesGcm g = AesGcm.forThread();
    System.out.println(
        "gcm tag+scrub "
            + alloc(
                () -> {
                  try {
                    g.encrypt(keys.key(), iv, new byte[200], tag, 0, 0, tag, 0);
                    g.scrub();
                  } catch (Exception e) {
                    throw new RuntimeException(e);
                  }
                }));
    System.out.println("gcm scrub " + alloc(g::scrub));
    System.out.println(
        "parse "
            + alloc(
                () ->
                    MessageHeader.parse(
                        msg, 0, msg.length, new DecryptionLimits(10, 1 << 20, 1 << 24))));
  }
}
