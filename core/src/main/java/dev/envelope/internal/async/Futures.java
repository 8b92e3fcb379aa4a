package dev.envelope.internal.async;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The rules that keep plaintext keys from leaking through futures. A future that completes with
 * materials hands their data key to whoever reads it; if nobody will (the future was cancelled,
 * timed out or completed otherwise first), the producer must close the materials itself: {@link
 * #deliver}. And a caller that gives up on a future should stop the work behind it: {@link
 * #cancelWhenAbandoned}.
 */
public final class Futures {
  private Futures() {}

  /**
   * Completes {@code future} with {@code value}, or closes {@code value} (zeroing its key) when the
   * future was already completed or cancelled: the value then has no reader.
   */
  public static <M extends AutoCloseable> void deliver(CompletableFuture<M> future, M value) {
    if (!future.complete(value)) {
      closeQuietly(value);
    }
  }

  /** Closes {@code value} if non-null; a failure to close is rethrown unchecked. */
  public static void closeQuietly(AutoCloseable value) {
    if (value == null) {
      return;
    }
    try {
      value.close();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("could not close materials", e);
    }
  }

  /**
   * Once {@code downstream} completes exceptionally (cancelled, timed out, failed), cancels {@code
   * upstream}: the work it stands for has no one waiting for it any more. A no-op if {@code
   * upstream} is done.
   */
  public static void cancelWhenAbandoned(CompletableFuture<?> downstream, Future<?> upstream) {
    downstream.whenComplete(
        (v, e) -> {
          if (e != null) {
            upstream.cancel(false);
          }
        });
  }

  /**
   * A future of {@code step} applied to {@code source}'s value, on the thread that completes {@code
   * source}. {@code step} owns the value it is given (it closes it if it fails); its result is
   * {@link #deliver delivered}, so it is closed if nobody reads it. Failures pass through
   * unwrapped, and giving up on the returned future cancels {@code source}.
   */
  public static <A, M extends AutoCloseable> CompletableFuture<M> then(
      CompletableFuture<A> source, Function<? super A, ? extends M> step) {
    CompletableFuture<M> result = new CompletableFuture<>();
    source.whenComplete(
        (value, failure) -> {
          if (failure != null) {
            result.completeExceptionally(unwrap(failure));
            return;
          }
          M out;
          try {
            out = step.apply(value);
          } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
            return;
          }
          deliver(result, out);
        });
    cancelWhenAbandoned(result, source);
    return result;
  }

  /** Runs {@code start}, turning an exception it throws into a failed future. */
  public static <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> start) {
    try {
      CompletableFuture<T> f = start.get();
      if (f == null) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("an asynchronous keyring or manager returned null"));
      }
      return f;
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The exception a caller should see: the cause of the {@link CompletionException} or {@link
   * ExecutionException} wrappers that futures add.
   */
  public static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /**
   * Waits for {@code future} and returns its value, rethrowing its failure as it was thrown (not
   * wrapped), for blocking methods built on asynchronous ones.
   */
  public static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException | CancellationException e) {
      throw rethrow(unwrap(e));
    }
  }

  /** {@code t} as an unchecked exception to throw: itself if unchecked, else wrapped. */
  public static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error err) {
      throw err;
    }
    return new CompletionException(t);
  }
}
