package dev.envelope.samples.files;

import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * {@code length} bytes of reproducible pseudo-random data, made as they are read: a multi-GiB test
 * file without holding it in memory. Not cryptographically random (it need not be: it is the
 * plaintext).
 */
public final class GeneratedInputStream extends InputStream {
  private final SplittableRandom random;
  private long remaining;
  private long pending;
  private int pendingBytes;

  public GeneratedInputStream(long length, long seed) {
    this.remaining = length;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (remaining == 0) {
      return -1;
    }
    int n = (int) Math.min(len, remaining);
    int i = 0;
    if (pendingBytes == 0) {
      // Eight bytes per nextLong, written whole while they fit: fast enough not to be the
      // bottleneck.
      for (; i + 8 <= n; i += 8) {
        long v = random.nextLong();
        for (int k = 0; k < 8; k++) {
          b[off + i + k] = (byte) v;
          v >>>= 8;
        }
      }
    }
    for (; i < n; i++) {
      if (pendingBytes == 0) {
        pending = random.nextLong();
        pendingBytes = 8;
      }
      b[off + i] = (byte) pending;
      pending >>>= 8;
      pendingBytes--;
    }
    remaining -= n;
    return n;
  }
}
