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
 * Suite 0x0578 (ECDSA P-384 signature), 1 KiB records, cached and uncached, Envelope next to the
 * official ESDK. Kept to one record size: the ECDSA sign or verify (hundreds of operations per
 * second) dominates every size a record has, and a cache does not remove it (each message is
 * signed). Score: records/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class SignedRecordBenchmark {
  @Param({RecordCodec.ENVELOPE, RecordCodec.ESDK})
  String impl;

  @Param({"1024"})
  int size;

  @Param({"false", "true"})
  boolean cached;

  private RecordWorkload workload;

  @Setup
  public void setUp() {
    workload =
        new RecordWorkload(
            impl, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, cached, size);
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
