package dev.envelope.benchmarks;

import dev.envelope.AlgorithmSuite;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cached 1 KiB records, suite 0x0478, through one shared Envelope and cache from many workers: 2
 * platform threads, 16 platform threads, or 16 virtual threads (JDK 21 and later). Each invocation
 * splits {@value #RECORDS} records among the workers and waits for all of them, so the three
 * variants do the same work through the same harness and their scores compare directly. Target: 16
 * workers of either kind keep >= 90% of the 2-thread throughput.
 *
 * <p>The jar stays Java 17 bytecode: virtual threads are reached by reflection ({@code
 * Executors.newVirtualThreadPerTaskExecutor}); on an older JDK {@code virtual-16} fails its setup
 * with a clear message, and {@link BenchmarkMain} leaves it out when the forks run on such a JDK.
 * Score: records/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class VirtualThreadBenchmark {
  static final int RECORDS = 1024;

  /** The executor parameter values; {@link #PLATFORM_2} is the reference of the target. */
  static final String PLATFORM_2 = "platform-2";

  static final String PLATFORM_16 = "platform-16";
  static final String VIRTUAL_16 = "virtual-16";

  @Param({PLATFORM_2, PLATFORM_16, VIRTUAL_16})
  String executor;

  @Param({"1024"})
  int size;

  private RecordWorkload workload;
  private ExecutorService pool;
  private int workers;

  @Setup
  public void setUp() {
    workload =
        new RecordWorkload(
            RecordCodec.ENVELOPE, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, true, size);
    switch (executor) {
      case PLATFORM_2 -> {
        workers = 2;
        pool = Executors.newFixedThreadPool(2);
      }
      case PLATFORM_16 -> {
        workers = 16;
        pool = Executors.newFixedThreadPool(16);
      }
      case VIRTUAL_16 -> {
        workers = 16;
        pool = virtualThreadPerTaskExecutor();
      }
      default -> throw new IllegalArgumentException("unknown executor " + executor);
    }
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  /**
   * {@code Executors.newVirtualThreadPerTaskExecutor()} of JDK 21 and later, looked up by
   * reflection so that this class compiles and loads on Java 17.
   */
  static ExecutorService virtualThreadPerTaskExecutor() {
    try {
      Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      return (ExecutorService) m.invoke(null);
    } catch (NoSuchMethodException e) {
      throw new UnsupportedOperationException(
          "virtual threads need JDK 21 or later; this is JDK " + Runtime.version().feature(), e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("could not create a virtual-thread executor", e);
    }
  }

  /** Whether {@link #virtualThreadPerTaskExecutor()} works on the running JDK. */
  static boolean virtualThreadsAvailable() {
    return Runtime.version().feature() >= 21;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public int encrypt() throws InterruptedException, ExecutionException {
    return run(workload::encrypt);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public int decrypt() throws InterruptedException, ExecutionException {
    return run(workload::decrypt);
  }

  private int run(Supplier<byte[]> record) throws InterruptedException, ExecutionException {
    int each = RECORDS / workers;
    List<Callable<Integer>> tasks = new ArrayList<>(workers);
    for (int w = 0; w < workers; w++) {
      tasks.add(
          () -> {
            int bytes = 0;
            for (int i = 0; i < each; i++) {
              bytes += record.get().length;
            }
            return bytes;
          });
    }
    int total = 0;
    for (Future<Integer> f : pool.invokeAll(tasks)) {
      total += f.get();
    }
    return total;
  }
}
