package dev.envelope.aws.local;

import java.time.Duration;
import java.util.Objects;

/**
 * What the local KMS server lets one client cost it: how long a request may take to arrive and to
 * be answered, how large it may be, how many connections and threads it keeps. A slow or hostile
 * client costs one connection and the bytes it has sent, never a thread; these limits bound both.
 *
 * @param maxConnections open connections at most; when all are taken, an idle one is closed to make
 *     room, and if none is idle new connections wait in the listen backlog
 * @param workers threads that run operations (each request runs on one once it has fully arrived)
 * @param maxHeaderBytes the request line and header section together, and a chunked body's trailers
 * @param maxBodyBytes a request body; larger ones are refused with 413 before they are read
 * @param maxBufferedBodyBytes request bodies buffered across all connections together; a request
 *     that would exceed it is refused with 503 (so many large slow uploads cannot exhaust the heap)
 * @param idleTimeout how long a connection may stay open between requests
 * @param requestTimeout how long a request may take to arrive, from its first byte to its last
 * @param answerTimeout how long a request may take to be answered, from its last byte until the
 *     client has taken the whole response; an operation still running then is answered 503 but not
 *     undone (its audit event says what it did), as a call that timed out at the service's front
 *     door may still have taken effect
 * @param lingerTimeout how long the server keeps reading (and discarding) after an answer that
 *     closes the connection, so the client sees that answer instead of a reset
 */
record ServerLimits(
    int maxConnections,
    int workers,
    int maxHeaderBytes,
    int maxBodyBytes,
    long maxBufferedBodyBytes,
    Duration idleTimeout,
    Duration requestTimeout,
    Duration answerTimeout,
    Duration lingerTimeout) {

  ServerLimits {
    positive(maxConnections, "maxConnections");
    positive(workers, "workers");
    positive(maxHeaderBytes, "maxHeaderBytes");
    positive(maxBodyBytes, "maxBodyBytes");
    if (maxBufferedBodyBytes < maxBodyBytes) {
      throw new IllegalArgumentException("maxBufferedBodyBytes must be at least maxBodyBytes");
    }
    positive(idleTimeout, "idleTimeout");
    positive(requestTimeout, "requestTimeout");
    positive(answerTimeout, "answerTimeout");
    positive(lingerTimeout, "lingerTimeout");
  }

  /**
   * 1024 connections, 16 workers (enough for a benchmark's client threads with injected latency),
   * 16 KiB of headers, 1 MiB bodies (KMS's largest inputs, a 32 KB key policy or 6 KiB ciphertexts
   * plus 50 tags, are far smaller), 64 MiB of bodies in flight, 60 s idle (the AWS SDK's default
   * idle time for pooled connections), 10 s for a request to arrive, 30 s to be answered.
   */
  static ServerLimits defaults() {
    return new ServerLimits(
        1024,
        16,
        16 * 1024,
        1 << 20,
        64L << 20,
        Duration.ofSeconds(60),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(2));
  }

  ServerLimits withMaxConnections(int n) {
    return new ServerLimits(
        n,
        workers,
        maxHeaderBytes,
        maxBodyBytes,
        maxBufferedBodyBytes,
        idleTimeout,
        requestTimeout,
        answerTimeout,
        lingerTimeout);
  }

  ServerLimits withWorkers(int n) {
    return new ServerLimits(
        maxConnections,
        n,
        maxHeaderBytes,
        maxBodyBytes,
        maxBufferedBodyBytes,
        idleTimeout,
        requestTimeout,
        answerTimeout,
        lingerTimeout);
  }

  ServerLimits withBodyLimits(int maxBody, long maxBuffered) {
    return new ServerLimits(
        maxConnections,
        workers,
        maxHeaderBytes,
        maxBody,
        maxBuffered,
        idleTimeout,
        requestTimeout,
        answerTimeout,
        lingerTimeout);
  }

  ServerLimits withTimeouts(Duration idle, Duration request, Duration answer) {
    return new ServerLimits(
        maxConnections,
        workers,
        maxHeaderBytes,
        maxBodyBytes,
        maxBufferedBodyBytes,
        idle,
        request,
        answer,
        lingerTimeout);
  }

  private static void positive(int n, String name) {
    if (n <= 0) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  private static void positive(Duration d, String name) {
    if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
