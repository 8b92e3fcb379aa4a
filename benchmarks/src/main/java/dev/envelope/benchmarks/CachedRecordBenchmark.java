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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One record per operation with the data-key cache on, suite 0x0478: Envelope's {@code
 * CachingMaterialsManager} against the official ESDK's {@code CachingCryptoMaterialsManager} over a
 * {@code LocalCryptoMaterialsCache}, same bounds ({@link Fixtures#CACHE_MAX_MESSAGES} messages per
 * key, ten minutes, 1000 entries). What is measured is the cache's overhead plus the message
 * crypto; the keyring runs once per 1000 records. The state is shared ({@code Scope.Benchmark}) so
 * the 2- and 16-thread variants contend on one cache entry, as an application's request threads
 * would; 16 threads on a 2-core machine guard against optimizations that trade contention for
 * single-thread speed (target: 16 threads keep >= 90% of the 2-thread throughput; virtual threads:
 * {@link VirtualThreadBenchmark}). {@code esdk-keyring} is the ESDK's Material Providers Library
 * raw AES keyring, which cannot cache (MPL 1.7 has no caching materials manager). Score: records/s
 * (all threads).
 *
 * <p>The time of a cached 1 KiB record is set against {@link PrimitiveFloorBenchmark}, the JCE
 * operations it cannot avoid.
 *
 * <p>The raw AES-GCM ceiling for the same sizes is in {@link RecordBenchmark}; a cache does not
 * change it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CachedRecordBenchmark {
  @Param({RecordCodec.ENVELOPE, RecordCodec.ESDK, RecordCodec.ESDK_KEYRING})
  String impl;

  @Param({"64", "1024", "16384", "262144"})
  int size;

  private RecordWorkload workload;

  @Setup
  public void setUp() {
    workload =
        new RecordWorkload(impl, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, true, size);
  }

  @Benchmark
  @Threads(1)
  public byte[] encrypt() {
    return workload.encrypt();
  }

  @Benchmark
  @Threads(1)
  public byte[] decrypt() {
    return workload.decrypt();
  }

  @Benchmark
  @Threads(2)
  public byte[] encrypt2Threads() {
    return workload.encrypt();
  }

  @Benchmark
  @Threads(2)
  public byte[] decrypt2Threads() {
    return workload.decrypt();
  }

  @Benchmark
  @Threads(16)
  public byte[] encrypt16Threads() {
    return workload.encrypt();
  }

  @Benchmark
  @Threads(16)
  public byte[] decrypt16Threads() {
    return workload.decrypt();
  }
}
