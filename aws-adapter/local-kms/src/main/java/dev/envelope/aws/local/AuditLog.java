package dev.envelope.aws.local;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The audit log of a local KMS: every call, kept in memory (the most recent {@value #CAPACITY}, so
 * that a long benchmark cannot exhaust the heap) and optionally appended to a file as JSON lines.
 * Thread-safe.
 */
public final class AuditLog implements AutoCloseable {
  static final int CAPACITY = 100_000;

  private final ArrayDeque<AuditEvent> events = new ArrayDeque<>();
  private final BufferedWriter file;

  AuditLog(Path file) {
    try {
      this.file =
          file == null
              ? null
              : Files.newBufferedWriter(
                  file,
                  StandardCharsets.UTF_8,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open audit file " + file, e);
    }
  }

  void record(AuditEvent event) {
    synchronized (events) {
      if (events.size() == CAPACITY) {
        events.removeFirst();
      }
      events.addLast(event);
    }
    if (file != null) {
      synchronized (file) {
        try {
          file.write(event.toJson());
          file.newLine();
          file.flush(); // a crash should not lose the trail
        } catch (IOException e) {
          // The KMS keeps answering; a broken audit file must not turn into failed requests.
        }
      }
    }
  }

  /** All retained events, oldest first. */
  public List<AuditEvent> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** Retained events matching the predicate, oldest first. */
  public List<AuditEvent> events(Predicate<AuditEvent> filter) {
    List<AuditEvent> out = new ArrayList<>();
    for (AuditEvent e : events()) {
      if (filter.test(e)) {
        out.add(e);
      }
    }
    return out;
  }

  public Optional<AuditEvent> byRequestId(String requestId) {
    return events(e -> requestId.equals(e.requestId())).stream().findFirst();
  }

  public Optional<AuditEvent> last() {
    synchronized (events) {
      return Optional.ofNullable(events.peekLast());
    }
  }

  /** The retained events as JSON lines. */
  public List<String> jsonLines() {
    return events().stream().map(AuditEvent::toJson).toList();
  }

  public void clear() {
    synchronized (events) {
      events.clear();
    }
  }

  @Override
  public void close() {
    if (file != null) {
      synchronized (file) {
        try {
          file.close();
        } catch (IOException e) {
          // nothing more to do
        }
      }
    }
  }
}
