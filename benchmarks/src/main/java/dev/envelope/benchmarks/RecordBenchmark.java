package dev.envelope.benchmarks;

import dev.envelope.AlgorithmSuite;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One record per operation, suite 0x0478, no data-key cache: every encryption wraps a fresh data
 * key and every decryption unwraps one (raw AES keyring on both sides, so no network). {@code impl}
 * selects Envelope, the official ESDK doing the same work (same suite, frame size, wrapping key and
 * context) through the Material Providers Library's raw AES keyring ({@code esdk}) or its legacy
 * {@code JceMasterKey} ({@code esdk-masterkey}), or the raw JCE AES-GCM ceiling. Score: records/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RecordBenchmark {
  @Param({RecordCodec.ENVELOPE, RecordCodec.ESDK, RecordCodec.ESDK_MASTER_KEY, RecordCodec.JCE})
  String impl;

  @Param({"64", "1024", "16384", "65536", "262144"})
  int size;

  private RecordWorkload workload;

  @Setup
  public void setUp() {
    workload =
        new RecordWorkload(impl, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, false, size);
  }

  @Benchmark
  public byte[] encrypt() {
    return workload.encrypt();
  }

  @Benchmark
  public byte[] decrypt() {
    return workload.decrypt();
  }
}
