package dev.envelope.aws.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP/1.1 server of the local KMS, on 127.0.0.1 only. One I/O thread reads every connection
 * without blocking and hands a request to the worker pool only once it has fully arrived, then
 * writes the answer without blocking; so a client that sends slowly, stops half way or reads its
 * answer slowly costs a connection and its buffered bytes, never a thread, and everyone else is
 * served meanwhile. {@link ServerLimits} bounds what each connection may cost and how long each
 * step may take. One request per connection is in flight at a time (pipelined requests wait their
 * turn), so work queued for the pool is bounded by the connection limit.
 */
final class LoopbackHttpServer implements AutoCloseable {
  private static final byte[] CONTINUE =
      "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long ACCEPT_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** What a lingering close discards at most before it gives up on the client. */
  private static final long LINGER_MAX_BYTES = 8L << 20;

  /** Turns requests into responses. */
  interface Handler {
    /** Answers a complete request; runs on a worker thread. */
    HttpResponse answer(HttpRequest request);

    /**
     * The response to a request refused at the HTTP level (too large, too slow, malformed), with
     * the headers that had arrived (possibly none). Runs on the I/O thread: must be quick.
     */
    HttpResponse refuse(
        KmsException error, Map<String, List<String>> headers, InetSocketAddress remote);
  }

  private enum State {
    READING,
    PROCESSING,
    WRITING,
    LINGERING
  }

  private final ServerLimits limits;
  private final Handler handler;
  private final ServerSocketChannel listener;
  private final SelectionKey acceptKey;
  private final Selector selector;
  private final ThreadPoolExecutor workers;
  private final Thread ioThread;
  private final RequestParser.BodyBudget budget;
  private final Set<Connection> connections = new LinkedHashSet<>();
  private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
  private final int port;
  private volatile boolean running = true;

  /** An accepted connection waiting for room under the connection limit. */
  private SocketChannel parked;

  private long acceptPausedUntil;
  private long lastSweep;

  private record Answer(Connection connection, byte[] bytes, boolean close) {}

  private LoopbackHttpServer(int port, ServerLimits limits, Handler handler) throws IOException {
    this.limits = limits;
    this.handler = handler;
    this.budget = new RequestParser.BodyBudget(limits.maxBufferedBodyBytes());
    this.selector = Selector.open();
    this.listener = ServerSocketChannel.open();
    try {
      listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 128);
      listener.configureBlocking(false);
      this.acceptKey = listener.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException | RuntimeException e) {
      listener.close();
      selector.close();
      throw e;
    }
    this.port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
    AtomicInteger n = new AtomicInteger();
    // Daemon threads, so that a forgotten close() cannot keep a JVM alive. The queue cannot fill:
    // each connection has at most one request in the pool.
    this.workers =
        new ThreadPoolExecutor(
            limits.workers(),
            limits.workers(),
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(limits.maxConnections()),
            r -> {
              Thread t = new Thread(r, "local-kms-" + this.port + "-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    // Started now, so that the server's thread count is what it is from the first request on.
    workers.prestartAllCoreThreads();
    this.ioThread = new Thread(this::run, "local-kms-" + this.port + "-io");
    ioThread.setDaemon(true);
  }

  /** Binds 127.0.0.1:port (0 picks a free port) and starts serving. */
  static LoopbackHttpServer start(int port, ServerLimits limits, Handler handler)
      throws IOException {
    LoopbackHttpServer s = new LoopbackHttpServer(port, limits, handler);
    s.ioThread.start();
    return s;
  }

  int port() {
    return port;
  }

  /** Stops accepting, closes every connection and stops the threads. */
  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      ioThread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      while (running) {
        try {
          selector.select(100);
          long now = System.nanoTime();
          Iterator<SelectionKey> it = selector.selectedKeys().iterator();
          while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            if (key == acceptKey) {
              accept(now);
            } else {
              ready((Connection) key.attachment(), key, now);
            }
          }
          for (Answer a; (a = answers.poll()) != null; ) {
            answered(a, now);
          }
          if (now - lastSweep >= SWEEP_NANOS) {
            lastSweep = now;
            sweep(now);
          }
        } catch (IOException | RuntimeException e) {
          // The selector itself failed (a connection's failure never gets here): keep serving
          // unless that keeps happening, without spinning.
          if (!running) {
            break;
          }
          pause();
        }
      }
    } finally {
      for (Connection c : new ArrayList<>(connections)) {
        close(c);
      }
      if (parked != null) {
        closeQuietly(parked);
      }
      closeQuietly(listener);
      closeQuietly(selector);
    }
  }

  private void accept(long now) {
    while (running && admitParked(now)) {
      try {
        parked = listener.accept();
      } catch (IOException e) {
        // Typically out of file descriptors: back off instead of spinning on the ready listener.
        acceptKey.interestOps(0);
        acceptPausedUntil = now + ACCEPT_BACKOFF_NANOS;
        return;
      }
      if (parked == null) {
        return;
      }
    }
  }

  /**
   * Serves the accepted connection waiting for room, if any: at the connection limit the
   * longest-idle connection is closed for it; when every connection is mid-request it keeps waiting
   * (unread) and accepting pauses, so newcomers wait in the backlog until a connection ends (each
   * ends within the request timeout at most). Returns whether there is room for another.
   */
  private boolean admitParked(long now) {
    SocketChannel ch = parked;
    if (ch == null) {
      return true;
    }
    parked = null; // closing an idle connection below comes back here: nothing to admit then
    if (connections.size() >= limits.maxConnections() && !evictIdle()) {
      parked = ch;
      acceptKey.interestOps(0);
      return false;
    }
    Connection c =
        new Connection(ch, new RequestParser(limits, budget), now + limits.idleTimeout().toNanos());
    try {
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true); // else ~40 ms per loopback call
      c.remote = (InetSocketAddress) ch.getRemoteAddress();
      c.key = ch.register(selector, SelectionKey.OP_READ, c);
    } catch (IOException e) {
      closeQuietly(ch);
      return true;
    }
    connections.add(c);
    return true;
  }

  /**
   * Closes a connection to make room: one that is lingering after its last answer if any, else the
   * one that has waited longest between requests. False if every connection is mid-request.
   */
  private boolean evictIdle() {
    Connection lingering = null;
    Connection idle = null;
    for (Connection c : connections) {
      if (c.state == State.LINGERING) {
        if (lingering == null || c.deadline - lingering.deadline < 0) {
          lingering = c;
        }
      } else if (c.state == State.READING
          && !c.parser.started()
          && c.pending == null
          && (idle == null || c.deadline - idle.deadline < 0)) {
        idle = c;
      }
    }
    Connection victim = lingering != null ? lingering : idle;
    if (victim == null) {
      return false;
    }
    close(victim);
    return true;
  }

  private void ready(Connection c, SelectionKey key, long now) {
    try {
      if (!key.isValid()) {
        close(c);
      } else if (key.isWritable()) {
        write(c, now);
      } else if (key.isReadable()) {
        read(c, now);
      }
    } catch (IOException | RuntimeException e) {
      // A broken connection, or a bug in reading one: either way only this connection ends.
      close(c);
    }
  }

  private void read(Connection c, long now) throws IOException {
    readBuffer.clear();
    int n = c.channel.read(readBuffer);
    if (n < 0) {
      // The client is gone or done sending; a request it left half-sent cannot be answered.
      close(c);
      return;
    }
    readBuffer.flip();
    if (c.state == State.LINGERING) {
      c.lingered += n;
      if (c.lingered > LINGER_MAX_BYTES) {
        close(c);
      }
      return;
    }
    feed(c, readBuffer, now);
  }

  /** Gives arrived bytes to the connection's parser and dispatches a request once complete. */
  private void feed(Connection c, ByteBuffer bytes, long now) throws IOException {
    boolean wasStarted = c.parser.started();
    boolean complete;
    try {
      complete = c.parser.consume(bytes);
    } catch (KmsException e) {
      refuse(c, e, now);
      return;
    }
    if (!wasStarted && c.parser.started()) {
      // The request's time to arrive starts with its first byte.
      c.deadline = now + limits.requestTimeout().toNanos();
    }
    if (!complete) {
      if (c.parser.takeExpectContinue()) {
        // The socket's send buffer is empty between requests, so 25 bytes always fit.
        if (c.channel.write(ByteBuffer.wrap(CONTINUE)) != CONTINUE.length) {
          close(c);
        }
      }
      return;
    }
    if (bytes == readBuffer && bytes.hasRemaining()) {
      // A pipelined request: kept (the shared read buffer is reused) and read once this one is
      // answered; bytes already kept stay where they are.
      c.pending = ByteBuffer.allocate(bytes.remaining()).put(bytes).flip();
    }
    HttpRequest request = c.parser.request(c.remote);
    c.state = State.PROCESSING;
    c.deadline = now + limits.answerTimeout().toNanos(); // runs until the answer is taken
    c.key.interestOps(0);
    boolean headOnly = request.method().equals("HEAD");
    try {
      workers.execute(() -> work(c, request, headOnly));
    } catch (RejectedExecutionException e) {
      close(c); // only while shutting down
    }
  }

  private void work(Connection c, HttpRequest request, boolean headOnly) {
    HttpResponse response;
    try {
      response = handler.answer(request);
    } catch (RuntimeException e) {
      response =
          handler.refuse(
              new KmsException(
                  "InternalFailure",
                  "The request processing has "
                      + "failed because of an unknown error, exception or failure.",
                  500),
              request.headers(),
              request.remote());
    }
    boolean close = !request.keepAlive();
    // An HTTP/1.0 client keeps the connection only if the answer says so (RFC 9112, C.2.2).
    String connection = close ? "close" : request.http11() ? null : "keep-alive";
    answers.add(new Answer(c, response.encode(headOnly, connection), close));
    selector.wakeup();
  }

  private void answered(Answer a, long now) {
    Connection c = a.connection();
    if (c.state != State.PROCESSING || !c.channel.isOpen()) {
      return; // refused as late, or the connection is gone: nobody waits for this answer
    }
    c.out = ByteBuffer.wrap(a.bytes());
    c.closeAfterWrite = a.close();
    c.state = State.WRITING; // the answer deadline set at dispatch still runs
    try {
      write(c, now);
    } catch (IOException | RuntimeException e) {
      close(c);
    }
  }

  /** Answers a refused request, then closes: after a framing error the byte stream is lost. */
  private void refuse(Connection c, KmsException error, long now) {
    try {
      HttpResponse response = handler.refuse(error, c.parser.headers(), c.remote);
      c.out = ByteBuffer.wrap(response.encode(false, "close"));
      c.closeAfterWrite = true;
      c.state = State.WRITING;
      c.deadline = now + limits.lingerTimeout().toNanos();
      c.pending = null;
      write(c, now);
    } catch (IOException | RuntimeException e) {
      close(c);
    }
  }

  private void write(Connection c, long now) throws IOException {
    while (c.out.hasRemaining()) {
      if (c.channel.write(c.out) == 0) {
        c.key.interestOps(SelectionKey.OP_WRITE);
        return;
      }
    }
    c.out = null;
    if (c.closeAfterWrite) {
      linger(c, now);
      return;
    }
    c.parser.reset();
    c.state = State.READING;
    c.deadline = now + limits.idleTimeout().toNanos();
    c.key.interestOps(SelectionKey.OP_READ);
    ByteBuffer pending = c.pending;
    if (pending != null) {
      feed(c, pending, now);
      if (c.pending == pending && !pending.hasRemaining()) {
        c.pending = null;
      }
    }
  }

  /**
   * Ends a connection gracefully: no more output, and whatever the client still sends (the rest of
   * an oversized body, say) is read and dropped for a while, because closing with unread input
   * makes TCP reset the connection and the client would lose the answer it was sent.
   */
  private void linger(Connection c, long now) throws IOException {
    c.parser.reset();
    c.channel.shutdownOutput();
    c.state = State.LINGERING;
    c.deadline = now + limits.lingerTimeout().toNanos();
    c.key.interestOps(SelectionKey.OP_READ);
  }

  private void sweep(long now) {
    for (Connection c : new ArrayList<>(connections)) {
      if (now - c.deadline < 0) {
        continue;
      }
      switch (c.state) {
        case READING -> {
          if (c.parser.started()) {
            refuse(
                c,
                HttpErrors.timeout(
                    "The request did not arrive within "
                        + limits.requestTimeout().toMillis()
                        + " ms"),
                now);
          } else {
            close(c); // idle too long between requests
          }
        }
        case PROCESSING ->
            refuse(
                c,
                HttpErrors.unavailable(
                    "The request was not answered within "
                        + limits.answerTimeout().toMillis()
                        + " ms"),
                now);
        case WRITING, LINGERING -> close(c); // the client does not take its answer, or lingers
        default -> throw new IllegalStateException(c.state.name());
      }
    }
    resumeAccepting(now);
  }

  private void resumeAccepting(long now) {
    if (running
        && acceptKey.isValid()
        && acceptKey.interestOps() == 0
        && now - acceptPausedUntil >= 0
        && admitParked(now)) {
      acceptKey.interestOps(SelectionKey.OP_ACCEPT);
    }
  }

  private void close(Connection c) {
    if (!connections.remove(c)) {
      return;
    }
    if (c.key != null) {
      c.key.cancel();
    }
    closeQuietly(c.channel);
    c.parser.reset();
    c.out = null;
    c.pending = null;
    resumeAccepting(System.nanoTime());
  }

  private static void pause() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing: nothing left to do
    }
  }

  /** One client connection; touched by the I/O thread only. */
  private static final class Connection {
    final SocketChannel channel;
    final RequestParser parser;
    SelectionKey key;
    InetSocketAddress remote;
    State state = State.READING;

    /**
     * When the current step must be over (System.nanoTime): the idle time between requests, a
     * request's time to arrive, its time to be answered, the lingering close.
     */
    long deadline;

    ByteBuffer out;
    boolean closeAfterWrite;

    /** Bytes of pipelined requests read with an earlier one. */
    ByteBuffer pending;

    long lingered;

    Connection(SocketChannel channel, RequestParser parser, long deadline) {
      this.channel = channel;
      this.parser = parser;
      this.deadline = deadline;
    }
  }
}
