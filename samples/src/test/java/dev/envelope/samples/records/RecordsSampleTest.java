package dev.envelope.samples.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RecordsSampleTest {
  @Test
  void encryptsEveryCellReadsThroughTheCacheAndRefusesMovedCiphertexts() throws Exception {
    RecordsSample sample = new RecordsSample();
    new CommandLine(sample).parseArgs("--rows", "25", "--read-passes", "3");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    RecordsSample.Report r = sample.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);

    assertThat(r.generateDataKeyCalls()).as(out).isEqualTo(50); // one data key per encrypted cell
    assertThat(r.decryptCallsFirstPass()).as(out).isEqualTo(50);
    assertThat(r.decryptCallsLaterPasses()).as("later passes hit the cache\n" + out).isZero();
    assertThat(r.cacheHits()).isEqualTo(100);
    assertThat(r.movedToOtherRowRefused()).as(out).isTrue();
    assertThat(r.movedToOtherColumnRefused()).as(out).isTrue();
    // The hierarchical keyring: one Decrypt for the writer, one for the cold reader, none later.
    assertThat(r.hierarchy().setupCalls()).as(out).isEqualTo(3);
    assertThat(r.hierarchy().insertCalls()).as(out).isEqualTo(1);
    assertThat(r.hierarchy().firstReadCalls()).as(out).isEqualTo(1);
    assertThat(r.hierarchy().laterReadCalls()).as(out).isZero();
    assertThat(out).contains("hierarchical keyring 1 + 1");
    assertThat(out)
        .contains("CREATE TABLE orders")
        .contains("Refused as expected")
        .doesNotContain("4111000000000001"); // card numbers are never printed in full
  }
}
