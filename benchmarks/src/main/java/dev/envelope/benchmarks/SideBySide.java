package dev.envelope.benchmarks;

import dev.envelope.AlgorithmSuite;
import java.io.PrintStream;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Ratios on a busy machine: runs several record workloads in one JVM, alternating short slices of
 * each for many rounds, and reports each workload's median rate and the median of its per-round
 * ratio to the first workload. Load that drifts over seconds (other builds on a shared machine)
 * then hits every side of a ratio alike, which separate JMH forks minutes apart cannot promise. JMH
 * remains the tool for absolute figures; this is for ratios.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.envelope.benchmarks.SideBySide \
 *     [--rounds 30] [--slice-ms 200] [--warmup-s 20] [--pairs] [--cpu] esdk-cached-encrypt cached-encrypt
 * </pre>
 *
 * With {@code --cpu}, each slice's rate is operations per second of this JVM's CPU time (all its
 * threads: the workload's, the collector's, the compiler's) instead of per second of wall time: on
 * a machine shared with other processes, time the scheduler gives to them then enters neither side
 * of a ratio. Wall time remains the measure of throughput; CPU time is the measure of cost.
 *
 * <p>With {@code --pairs}, the workloads are read as pairs (baseline, ours) and each pair's ratio
 * is reported as the median of its per-round ratios. Workload names: {@code floor-}, {@code
 * floor-hygiene-}, {@code cached-}, {@code uncached-}, {@code esdk-cached-}, {@code esdk-keyring-},
 * {@code esdk-masterkey-}, {@code signed-}, {@code signed-cached-}, {@code esdk-signed-}, {@code
 * esdk-signed-cached-}, and the thread pools of {@link VirtualThreadBenchmark} {@code platform-2-},
 * {@code platform-16-}, {@code virtual-16-} (JDK 21+; one operation = 1024 records), each followed
 * by {@code encrypt} or {@code decrypt}; all 1 KiB records.
 */
public final class SideBySide {
  static final int SIZE = 1024;

  private SideBySide() {}

  public static void main(String[] args) {
    int rounds = 30;
    long sliceMs = 200;
    long warmupS = 20;
    boolean pairs = false;
    boolean cpu = false;
    List<String> names = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--slice-ms" -> sliceMs = Long.parseLong(args[++i]);
        case "--warmup-s" -> warmupS = Long.parseLong(args[++i]);
        case "--pairs" -> pairs = true;
        case "--cpu" -> cpu = true;
        default -> names.add(args[i]);
      }
    }
    if (names.size() < 2) {
      System.out.println("name at least two workloads; see the class comment");
      System.exit(2);
    }
    run(System.out, names, rounds, sliceMs, warmupS, pairs, cpu);
    // The thread-pool workloads leave their pools' (non-daemon) threads behind.
    System.exit(0);
  }

  /**
   * @param pairs the workloads are pairs (baseline, then ours): each second one is also reported
   *     against the one before it, as the median of the per-round ratios
   * @param cpu rates per second of this JVM's CPU time rather than of wall time
   */
  static void run(
      PrintStream out,
      List<String> names,
      int rounds,
      long sliceMs,
      long warmupS,
      boolean pairs,
      boolean cpu) {
    Map<String, Supplier<byte[]>> workloads = new LinkedHashMap<>();
    for (String n : names) {
      workloads.put(n, workload(n));
    }
    out.printf(
        Locale.ROOT,
        "JDK %s, %d processors, load %s; warm-up %d s, %d rounds of %d ms slices%s%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        MachineInfo.loadAverage(),
        warmupS,
        rounds,
        sliceMs,
        cpu ? "; rates per second of process CPU time" : "");
    long warmEnd = System.nanoTime() + warmupS * 1_000_000_000L;
    while (System.nanoTime() < warmEnd) {
      for (Supplier<byte[]> w : workloads.values()) {
        slice(w, sliceMs, cpu ? Clock.PROCESS_CPU : Clock.WALL);
      }
    }
    double[][] rates = new double[names.size()][rounds];
    for (int r = 0; r < rounds; r++) {
      // Rotate the starting workload so that none always follows the same neighbour.
      for (int k = 0; k < names.size(); k++) {
        int i = (k + r) % names.size();
        rates[i][r] =
            slice(workloads.get(names.get(i)), sliceMs, cpu ? Clock.PROCESS_CPU : Clock.WALL);
      }
    }
    out.printf(
        Locale.ROOT,
        "%-28s %14s %14s %12s%s%n",
        "workload",
        "median ops/s",
        "vs first",
        "time / first",
        pairs ? "  pair: ours / baseline" : "");
    for (int i = 0; i < names.size(); i++) {
      double m = medianRatio(rates[i], rates[0]);
      String pair =
          pairs && i % 2 == 1
              ? String.format(Locale.ROOT, " %12.3fx", medianRatio(rates[i], rates[i - 1]))
              : "";
      out.printf(
          Locale.ROOT,
          "%-28s %14.0f %13.3fx %11.3fx%s%n",
          names.get(i),
          median(rates[i]),
          m,
          1 / m,
          pair);
    }
  }

  /** What a slice's rate is per second of. */
  enum Clock {
    WALL {
      @Override
      long nanos() {
        return System.nanoTime();
      }
    },
    /** This JVM's CPU time, all its threads (the workload's, the collector's, the compiler's). */
    PROCESS_CPU {
      @Override
      long nanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
      }
    },
    /** The measuring thread's CPU time only. */
    THREAD_CPU {
      @Override
      long nanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      }
    };

    abstract long nanos();
  }

  /**
   * Runs {@code w} for about {@code ms} milliseconds of wall time; returns its rate in operations
   * per second of {@code clock}.
   */
  static double slice(Supplier<byte[]> w, long ms, Clock clock) {
    long clockStart = clock.nanos();
    long end = System.nanoTime() + ms * 1_000_000L;
    long ops = 0;
    int sink = 0;
    do {
      sink += w.get().length;
      ops++;
    } while (System.nanoTime() < end);
    if (sink == 42) {
      System.out.print("");
    }
    return ops * 1e9 / (clock.nanos() - clockStart);
  }

  static double medianRatio(double[] a, double[] b) {
    double[] ratio = new double[a.length];
    for (int r = 0; r < a.length; r++) {
      ratio[r] = a[r] / b[r];
    }
    return median(ratio);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static Supplier<byte[]> workload(String name) {
    boolean encrypt;
    String kind;
    if (name.endsWith("-encrypt")) {
      encrypt = true;
      kind = name.substring(0, name.length() - "-encrypt".length());
    } else if (name.endsWith("-decrypt")) {
      encrypt = false;
      kind = name.substring(0, name.length() - "-decrypt".length());
    } else {
      throw new IllegalArgumentException("workload must end in -encrypt or -decrypt: " + name);
    }
    if (kind.equals("floor") || kind.equals("floor-hygiene")) {
      boolean hygiene = kind.equals("floor-hygiene");
      PrimitiveFloorBenchmark floor = new PrimitiveFloorBenchmark();
      floor.size = SIZE;
      try {
        floor.setUp();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      return () -> {
        try {
          if (hygiene) {
            return encrypt ? floor.encryptWithHygiene() : floor.decryptWithHygiene();
          }
          return encrypt ? floor.encrypt() : floor.decrypt();
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException(e);
        }
      };
    }
    if (kind.equals("platform-2") || kind.equals("platform-16") || kind.equals("virtual-16")) {
      // One operation = VirtualThreadBenchmark's invocation: 1024 cached records split among the
      // workers; the ratios between the three are ratios of records/s.
      VirtualThreadBenchmark pool = new VirtualThreadBenchmark();
      pool.executor = kind;
      pool.size = SIZE;
      pool.setUp();
      byte[] one = new byte[1];
      return () -> {
        try {
          if (encrypt) {
            pool.encrypt();
          } else {
            pool.decrypt();
          }
          return one;
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException(e);
        }
      };
    }
    AlgorithmSuite plain = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    AlgorithmSuite signed = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    RecordWorkload w =
        switch (kind) {
          case "cached" -> new RecordWorkload(RecordCodec.ENVELOPE, plain, true, SIZE);
          case "uncached" -> new RecordWorkload(RecordCodec.ENVELOPE, plain, false, SIZE);
          case "esdk-cached" -> new RecordWorkload(RecordCodec.ESDK, plain, true, SIZE);
          case "esdk-keyring" -> new RecordWorkload(RecordCodec.ESDK, plain, false, SIZE);
          case "esdk-masterkey" ->
              new RecordWorkload(RecordCodec.ESDK_MASTER_KEY, plain, false, SIZE);
          case "signed" -> new RecordWorkload(RecordCodec.ENVELOPE, signed, false, SIZE);
          case "signed-cached" -> new RecordWorkload(RecordCodec.ENVELOPE, signed, true, SIZE);
          case "esdk-signed" -> new RecordWorkload(RecordCodec.ESDK, signed, false, SIZE);
          case "esdk-signed-cached" -> new RecordWorkload(RecordCodec.ESDK, signed, true, SIZE);
          default -> throw new IllegalArgumentException("unknown workload " + name);
        };
    return encrypt ? w::encrypt : w::decrypt;
  }
}
