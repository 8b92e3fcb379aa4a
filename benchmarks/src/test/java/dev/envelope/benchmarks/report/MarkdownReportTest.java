package dev.envelope.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {
  private static String render(List<JmhResult> results, List<KmsQuotaRun> kms) {
    return new MarkdownReport(results, kms, List.of(), Target.DEFAULTS)
        .render(List.of("# title"), List.of("chart.svg"));
  }

  private static List<JmhResult> jdk17() {
    return JmhResult.parseAll(Fixtures.read("jdk17.json"));
  }

  @Test
  void ratioTableWithScoresAllocationAndMarks() {
    String md = render(jdk17(), List.of());
    assertThat(md).startsWith("# title\n");
    assertThat(md).contains("## Records and streams on JDK 17.0.15 (OpenJDK 64-Bit Server VM)");
    assertThat(md)
        .contains(
            "| Record encrypt size=1KiB | 150.0 k/s | 30.0 k/s | 1.50 M/s | 5.00x | 10% | - | - | 2.0 k"
                + " | 20.0 k | >= 3.00x ESDK ✅ |");
    assertThat(md)
        .contains(
            "| Record decrypt size=1KiB | 100.0 k/s | 50.0 k/s | 1.00 M/s | 2.00x | 10% | - | - | - | - |"
                + " >= 3.00x ESDK ❌ |");
    // 9 ops/s of 256 MiB streams = 2304 MiB/s
    assertThat(md)
        .contains(
            "| Stream encrypt frameSize=64KiB streamMiB=256MiB | 2304 MiB/s | 1024 MiB/s | 2560 MiB/s"
                + " | 2.25x | 90% |");
    assertThat(md).contains("![chart.svg](chart.svg)");
  }

  @Test
  void targetsSectionJudgesEachApplicableScenario() {
    String md = render(jdk17(), List.of());
    assertThat(md)
        .contains(
            "| records 1 KiB uncached >= 3x ESDK (MPL raw AES keyring) | Record encrypt size=1KiB | 17"
                + " | 5.00x | ✅ pass |");
    assertThat(md)
        .contains(
            "| records 1 KiB cached >= 3x ESDK (JceMasterKey caching CMM) | CachedRecord encrypt2Threads"
                + " size=1KiB | 17 | 5.00x | ✅ pass |");
    assertThat(md)
        .contains(
            "| streams encrypt >= 80% of raw AES-GCM at 64 KiB frames | Stream encrypt frameSize=64KiB"
                + " streamMiB=256MiB | 17 | 90% | ✅ pass |");
    assertThat(md)
        .contains(
            "| streams decrypt >= 70% of raw AES-GCM at 64 KiB frames | Stream decrypt frameSize=64KiB"
                + " streamMiB=256MiB | 17 | 60% | ❌ fail |");
    assertThat(md)
        .contains(
            "| streams >= 2x ESDK at 64 KiB frames | Stream decrypt frameSize=64KiB streamMiB=256MiB"
                + " | 17 | 6.00x | ✅ pass |");
  }

  @Test
  void issue15TargetsJudgeOtherPathsFloorThreadsAndAllocation() {
    String md = render(JmhResult.parseAll(Fixtures.read("jdk17-targets.json")), List.of());
    assertThat(md)
        .contains(
            "| records 1 KiB uncached >= 3x ESDK (JceMasterKey) | Record encrypt size=1KiB | 17 | 2.50x"
                + " | ❌ fail |")
        .contains(
            "| records 1 KiB cached >= 3x ESDK (MPL raw AES keyring, which cannot cache)"
                + " | CachedRecord encrypt size=1KiB | 17 | 8.00x | ✅ pass |")
        .contains(
            "| cached 1 KiB record within 1.3x of the primitive floor's time"
                + " | CachedRecord encrypt size=1KiB | 17 | 1.25x | ✅ pass |")
        .contains(
            "| allocation per cached 1 KiB record <= 2x the record size"
                + " | CachedRecord encrypt size=1KiB | 17 | 1.76x | ✅ pass |")
        .contains(
            "| 16 threads keep >= 90% of the 2-thread cached throughput"
                + " | CachedRecord encrypt16Threads size=1KiB | 17 | 87% | ❌ fail |")
        .contains(
            "| 16 threads keep >= 90% of the 2-thread cached throughput"
                + " | VirtualThread encrypt executor=virtual-16 size=1KiB | 17 | 95% | ✅ pass |")
        .contains(
            "| signed 0x0578 1 KiB >= 3x ESDK, cached and uncached"
                + " | SignedRecord encrypt cached=true size=1KiB | 17 | 3.75x | ✅ pass |");
    // The 2-thread reference and the floor itself are not judged by the scaling or floor targets.
    assertThat(md).doesNotContain("throughput | VirtualThread encrypt executor=platform-2");
    assertThat(md).doesNotContain("floor's time | PrimitiveFloor");
    assertThat(md)
        .contains(
            "| CachedRecord encrypt size=1KiB | 200.0 k/s | 50.0 k/s | - | 4.00x | - | 8.00x | 1.25x"
                + " | 1.8 k | 9.0 k |");
  }

  @Test
  void twoJdksGetTheirOwnTablesAndAComparison() {
    List<JmhResult> all = new ArrayList<>(jdk17());
    all.addAll(JmhResult.parseAll(Fixtures.read("jdk25.json")));
    String md = render(all, List.of());
    assertThat(md).contains("## Records and streams on JDK 25.0.1");
    assertThat(md).contains("## JDK 17 vs JDK 25");
    assertThat(md)
        .contains(
            "| Record encrypt size=1KiB | 150.0 k/s | 180.0 k/s | 1.20x"
                + " | 5.00x | 6.00x | 10% | 11% |");
  }

  @Test
  void kmsSectionShowsLimitsTargetsAndSizing() {
    KmsQuotaRun run = KmsQuotaRun.parse(Fixtures.read("kms.json"));
    String md = render(List.of(), List.of(run));
    assertThat(md)
        .contains("## KMS quota: 4 threads, quota 50 requests/s, 10 ms per request (JDK 17.0.15)");
    assertThat(md)
        .contains(
            "| 0 | - | 50 | 50 | KMS quota | 1.00 M | 1000000 | 120 | 7 | 21.0 ms | 900.0 ms |");
    assertThat(md)
        .contains(
            "| 100 | on | 4.0 k | 5.0 k | KMS quota | 10.0 k | 10000 | 0 | 0 | 20 us | 80 us |");
    assertThat(md)
        .contains("| 10000 | on | 60.0 k | 500.0 k | CPU | 100 | 100 | 0 | 0 | 12 us | 40 us |");
    assertThat(md)
        .contains(
            "| KMS calls per million records = ceil(1e6 / maxMessages) within 4 threads"
                + " | maxMessages=100 refresh-ahead | 17 | 10.0 k (expected 10000) | ✅ pass |");
    // Only the bound whose quota ceiling covers the best rate is held to zero throttling errors.
    assertThat(md)
        .contains(
            "| No throttling errors reach callers when the bound suffices | maxMessages=10000"
                + " refresh-ahead | 17 | 0 | ✅ pass |");
    assertThat(md).doesNotContain("bound suffices | maxMessages=100 ");
    assertThat(md)
        .contains("reached 60.0 k records/s with 4 threads")
        .contains("maxMessages >= 1200")
        .contains("must be at least 2000; 4000 leaves half");
  }

  @Test
  void emptyInputStillRenders() {
    assertThat(render(List.of(), List.of()))
        .contains("(no result in this run is judged by a target)");
  }
}
