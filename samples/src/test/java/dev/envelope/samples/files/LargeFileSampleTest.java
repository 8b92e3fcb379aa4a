package dev.envelope.samples.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.samples.ChildJvm;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LargeFileSampleTest {
  @TempDir Path dir;

  @Test
  void roundTripsAGeneratedFileWithMatchingChecksumInASmallHeap() {
    // 96 MiB through a 48 MiB heap: the file never fits in memory, so this passing means streaming.
    ChildJvm.Run r =
        ChildJvm.run(
            dir.resolve("home"),
            List.of("-Xmx48m"),
            "large-file",
            "--size",
            "96MiB",
            "--dir",
            dir.resolve("work").toString(),
            "--no-progress");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("(match)").contains("MB/s").contains("Peak heap used");
    assertThat(dir.resolve("work")).isEmptyDirectory(); // cleaned up without --keep
  }

  @Test
  void generatedDataIsReproducibleWhateverTheReadSizes() throws Exception {
    assertThat(sha(7, 1))
        .isEqualTo(sha(7, 65536))
        .isEqualTo(sha(3, 8191))
        .isNotEqualTo(sha(7, 1, 43));
  }

  private static String sha(int chunk1, int chunk2) throws Exception {
    return sha(chunk1, chunk2, 42);
  }

  private static String sha(int chunk1, int chunk2, long seed) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(new GeneratedInputStream(100_003, seed), md)) {
      byte[] buf = new byte[Math.max(chunk1, chunk2)];
      boolean flip = false;
      while (in.read(buf, 0, flip ? chunk1 : chunk2) >= 0) {
        flip = !flip;
      }
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }
}
