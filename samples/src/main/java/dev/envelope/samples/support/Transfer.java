package dev.envelope.samples.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Copies a stream in 64 KiB pieces (the size the JDK's AES-GCM is fast with; see DESIGN.md), with
 * an optional progress bar on stderr, and measures the throughput.
 */
public final class Transfer {
  /** Below this a progress bar would only flicker. */
  public static final long PROGRESS_THRESHOLD = 4L << 20;

  private static final int BUFFER = 64 * 1024;

  private Transfer() {}

  /**
   * What one copy moved and how long it took. {@code firstReadNanos} is the wait for the first
   * bytes: for a decrypting stream that is the header and the data key (a KMS call), which would
   * distort the rate of a small file, so the rate is measured after it.
   */
  public record Result(long bytes, long nanos, long firstReadNanos) {
    /** Streaming throughput, after the first read. */
    public String rate() {
      return Sizes.rate(bytes, Math.max(1, nanos - firstReadNanos));
    }

    public String summary() {
      String s = Sizes.format(bytes) + " in " + Sizes.seconds(nanos) + " (" + rate();
      if (firstReadNanos > 50_000_000L) {
        s += "; first bytes after " + Sizes.seconds(firstReadNanos);
      }
      return s + ")";
    }
  }

  /**
   * {@link #copy(InputStream, OutputStream, LongSupplier, long, String, boolean, PrintStream)}
   * tracking the bytes copied.
   */
  public static Result copy(
      InputStream in,
      OutputStream out,
      long expectedBytes,
      String task,
      boolean progress,
      PrintStream barStream)
      throws IOException {
    return copy(in, out, null, expectedBytes, task, progress, barStream);
  }

  /**
   * Copies {@code in} to {@code out} (closing neither) and returns the bytes copied and the time
   * taken. The bar shows {@code position} (e.g. ciphertext bytes consumed, when {@code in}
   * decrypts) out of {@code expectedBytes}, or the bytes copied when {@code position} is null; it
   * is drawn when {@code progress} is true and {@code expectedBytes} is at least {@link
   * #PROGRESS_THRESHOLD}.
   */
  public static Result copy(
      InputStream in,
      OutputStream out,
      LongSupplier position,
      long expectedBytes,
      String task,
      boolean progress,
      PrintStream barStream)
      throws IOException {
    byte[] buf = new byte[BUFFER];
    long total = 0;
    long start = System.nanoTime();
    ProgressBar bar =
        progress && expectedBytes >= PROGRESS_THRESHOLD
            ? bar(task, expectedBytes, barStream)
            : null;
    try {
      long firstRead = -1;
      int n;
      while ((n = in.read(buf)) != -1) {
        if (firstRead < 0) {
          firstRead = System.nanoTime() - start;
        }
        out.write(buf, 0, n);
        total += n;
        if (bar != null) {
          bar.stepTo((position != null ? position.getAsLong() : total) >> 20);
        }
      }
      out.flush();
      if (bar != null) {
        bar.stepTo(bar.getMax());
      }
      return new Result(total, System.nanoTime() - start, Math.max(firstRead, 0));
    } finally {
      if (bar != null) {
        bar.close();
      }
    }
  }

  /**
   * A bar counting MiB with the speed shown, drawn on {@code out} (stderr, so stdout stays clean
   * for scripts).
   */
  public static ProgressBar bar(String task, long expectedBytes, PrintStream out) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(Math.max(1, expectedBytes >> 20))
        .setUnit(" MiB", 1)
        .setStyle(ProgressBarStyle.ASCII)
        .showSpeed()
        .setUpdateIntervalMillis(250)
        .setConsumer(new ConsoleProgressBarConsumer(out))
        .build();
  }
}
