package dev.envelope.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

class MessageIdSourceTest {
  private static final BigInteger TWO_TO_128 = BigInteger.ONE.shiftLeft(128);

  @Test
  void idsAreAesOfConsecutiveCounterBlocksAcrossCarryAndWrap() {
    byte[] key = ramp(32, 1);
    // Starts two below 2^128: the second id's counter blocks wrap to 0 and 1.
    byte[] counter = new byte[16];
    Arrays.fill(counter, (byte) 0xFF);
    counter[15] = (byte) 0xFE;
    MessageIdSource ids = new MessageIdSource(new ScriptedRandom(key, counter), 1000);

    BigInteger start = new BigInteger(1, counter);
    for (int i = 0; i < 3; i++) {
      byte[] expected = new byte[32];
      System.arraycopy(aes(key, counterBlock(start, 2 * i)), 0, expected, 0, 16);
      System.arraycopy(aes(key, counterBlock(start, 2 * i + 1)), 0, expected, 16, 16);
      assertThat(ids.next()).as("id %d", i).isEqualTo(expected);
    }
  }

  @Test
  void carriesFromTheLowToTheHighHalfOfTheCounter() {
    byte[] key = ramp(32, 7);
    byte[] counter = ByteBuffer.allocate(16).putLong(5).putLong(0xFFFF_FFFF_FFFF_FFFFL).array();
    MessageIdSource ids = new MessageIdSource(new ScriptedRandom(key, counter), 1000);

    byte[] first = ids.next();

    byte[] highFirstBlock = ByteBuffer.allocate(16).putLong(6).putLong(0).array();
    assertThat(Arrays.copyOfRange(first, 0, 16)).isEqualTo(aes(key, counter));
    assertThat(Arrays.copyOfRange(first, 16, 32)).isEqualTo(aes(key, highFirstBlock));
  }

  @Test
  void drawsANewKeyAndCounterAfterTheRekeyLimit() {
    byte[] key1 = ramp(32, 1);
    byte[] counter1 = ramp(16, 100);
    byte[] key2 = ramp(32, 50);
    byte[] counter2 = ramp(16, 200);
    ScriptedRandom seeds = new ScriptedRandom(key1, counter1, key2, counter2);
    MessageIdSource ids = new MessageIdSource(seeds, 2);

    ids.next();
    ids.next();
    assertThat(seeds.draws).isEqualTo(2);
    assertThat(ids.idsUnderKey()).isEqualTo(2);

    byte[] third = ids.next();

    assertThat(seeds.draws).isEqualTo(4);
    assertThat(ids.idsUnderKey()).isEqualTo(1);
    assertThat(Arrays.copyOfRange(third, 0, 16)).isEqualTo(aes(key2, counter2));
  }

  @Test
  void refusesRekeyLimitsOutsideTheSafeRange() {
    SecureRandom seeds = new SecureRandom();
    assertThatThrownBy(() -> new MessageIdSource(seeds, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MessageIdSource(seeds, MessageIdSource.REKEY_AFTER + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void manyIdsFromOneThreadAreDistinctAndThirtyTwoBytes() {
    MessageIdSource ids = MessageIdSource.forThread();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      byte[] id = ids.next();
      assertThat(id).hasSize(MessageIdSource.ID_LENGTH);
      assertThat(seen.add(HexFormat.of().formatHex(id))).as("id %d repeated", i).isTrue();
    }
  }

  @Test
  void idsStayDistinctAcrossFrequentRekeys() {
    MessageIdSource ids = new MessageIdSource(RandomSource.get(), 3);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      assertThat(seen.add(HexFormat.of().formatHex(ids.next()))).isTrue();
    }
  }

  @Test
  void eachThreadHasItsOwnSourceAndNoIdRepeatsAcrossThreads() throws Exception {
    int threads = 8;
    int perThread = 25_000;
    Set<String> all = ConcurrentHashMap.newKeySet();
    Set<MessageIdSource> sources = ConcurrentHashMap.newKeySet();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  MessageIdSource mine = MessageIdSource.forThread();
                  sources.add(mine);
                  int added = 0;
                  for (int i = 0; i < perThread; i++) {
                    assertThat(MessageIdSource.forThread()).isSameAs(mine);
                    if (all.add(HexFormat.of().formatHex(mine.next()))) {
                      added++;
                    }
                  }
                  return added;
                }));
      }
      start.countDown();
      for (Future<Integer> f : done) {
        assertThat(f.get()).isEqualTo(perThread);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(sources).hasSize(threads);
    assertThat(all).hasSize(threads * perThread);
  }

  @Test
  void toStringShowsNoKeyOrCounterBytes() {
    byte[] key = ramp(32, 0x41);
    byte[] counter = ramp(16, 0x61);
    MessageIdSource ids = new MessageIdSource(new ScriptedRandom(key, counter), 1000);
    ids.next();

    String text = ids.toString();

    for (byte[] secret : List.of(key, counter)) {
      for (int off = 0; off + 4 <= secret.length; off++) {
        byte[] run = Arrays.copyOfRange(secret, off, off + 4);
        assertThat(text.toLowerCase()).doesNotContain(HexFormat.of().formatHex(run));
        assertThat(text)
            .doesNotContain(new String(run, java.nio.charset.StandardCharsets.ISO_8859_1));
      }
      assertThat(text).doesNotContain(Base64.getEncoder().encodeToString(secret).substring(0, 8));
      assertThat(text).doesNotContain(Arrays.toString(secret).substring(1, 12));
    }
    assertThat(text).contains("1 ids");
  }

  /** {@code n} bytes counting up from {@code first}. */
  private static byte[] ramp(int n, int first) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (first + i);
    }
    return b;
  }

  /** The 16-byte big-endian value of {@code (start + add) mod 2^128}. */
  private static byte[] counterBlock(BigInteger start, int add) {
    byte[] raw = start.add(BigInteger.valueOf(add)).mod(TWO_TO_128).toByteArray();
    byte[] block = new byte[16];
    int n = Math.min(raw.length, 16);
    System.arraycopy(raw, raw.length - n, block, 16 - n, n);
    return block;
  }

  /** One AES block by Bouncy Castle's engine, a reference independent of the JCE. */
  private static byte[] aes(byte[] key, byte[] block) {
    AESEngine engine = new AESEngine();
    engine.init(true, new KeyParameter(key));
    byte[] out = new byte[16];
    engine.processBlock(block, 0, out, 0);
    return out;
  }

  /** Hands out the given arrays, one per {@code nextBytes} call, and counts the calls. */
  private static final class ScriptedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[][] script;
    int draws;

    ScriptedRandom(byte[]... script) {
      this.script = script;
    }

    @Override
    public void nextBytes(byte[] bytes) {
      byte[] next = script[draws++];
      assertThat(bytes).hasSameSizeAs(next);
      System.arraycopy(next, 0, bytes, 0, bytes.length);
    }
  }
}
