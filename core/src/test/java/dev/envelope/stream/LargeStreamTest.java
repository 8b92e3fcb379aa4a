package dev.envelope.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.Envelope;
import dev.envelope.keyring.RawAesKeyring;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * A multi-GiB message streamed through encryption and decryption in a JVM limited to a 64 MiB heap
 * (its own surefire execution sets {@code -Xmx64m}): memory must not grow with the input. The data
 * is generated on the fly and compared by checksum, never stored.
 */
class LargeStreamTest {
  private static final long SIZE = 3L * 1024 * 1024 * 1024;

  @Test
  void threeGibibytesThroughA64MibHeap() throws Exception {
    assertThat(Runtime.getRuntime().maxMemory())
        .as("run with -Xmx64m")
        .isLessThanOrEqualTo(80L * 1024 * 1024);
    byte[] key = new byte[32];
    key[0] = 1;
    Envelope envelope =
        Envelope.builder()
            .keyring(
                RawAesKeyring.builder().keyNamespace("ns").keyName("big").wrappingKey(key).build())
            .build();
    Map<String, String> context = Map.of("file", "big.bin");
    PipedInputStream pipeIn = new PipedInputStream(1 << 20);
    PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      Future<Long> written =
          writer.submit(
              () -> {
                CRC32 crc = new CRC32();
                byte[] chunk = new byte[256 * 1024];
                long state = 0x9E3779B97F4A7C15L;
                try (OutputStream out = envelope.encryptingStream(pipeOut, context)) {
                  for (long done = 0; done < SIZE; done += chunk.length) {
                    for (int i = 0; i < chunk.length; i += 8) {
                      state ^= state << 13;
                      state ^= state >>> 7;
                      state ^= state << 17;
                      long v = state;
                      for (int j = 0; j < 8; j++) {
                        chunk[i + j] = (byte) (v >>> (8 * j));
                      }
                    }
                    crc.update(chunk);
                    out.write(chunk);
                  }
                }
                return crc.getValue();
              });
      CRC32 crc = new CRC32();
      long total = 0;
      try (InputStream in = envelope.decryptingStream(pipeIn, context)) {
        byte[] buf = new byte[100_000];
        int n;
        while ((n = in.read(buf)) >= 0) {
          crc.update(buf, 0, n);
          total += n;
        }
      }
      assertThat(total).isEqualTo(SIZE);
      assertThat(crc.getValue()).isEqualTo(written.get(5, TimeUnit.MINUTES));
      long peakHeap =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
              .mapToLong(p -> p.getPeakUsage().getUsed())
              .sum();
      assertThat(peakHeap).isLessThan(64L * 1024 * 1024);
    } finally {
      writer.shutdownNow();
    }
  }
}
