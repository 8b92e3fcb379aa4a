package dev.envelope.aws;

import dev.envelope.aws.local.AuditEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Counts KMS round trips in an audit log recorded with injected latency: a request that had to wait
 * for an answer arrives at least one latency after the request it waited for, while concurrent
 * requests arrive together. So requests arriving less than one latency after a round's first
 * request belong to that round: no request that waited for that one can arrive so early, and a
 * loaded machine may delay concurrent requests by up to a latency without splitting their round. No
 * wall-clock threshold on the client: only the server's arrival times.
 */
final class RoundTrips {
  private RoundTrips() {}

  /** The requests of each round, in arrival order. */
  static List<List<AuditEvent>> rounds(List<AuditEvent> events, Duration latency) {
    List<AuditEvent> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing(AuditEvent::time));
    List<List<AuditEvent>> rounds = new ArrayList<>();
    Instant roundStart = null;
    for (AuditEvent e : sorted) {
      if (roundStart == null || !e.time().isBefore(roundStart.plus(latency))) {
        rounds.add(new ArrayList<>());
        roundStart = e.time();
      }
      rounds.get(rounds.size() - 1).add(e);
    }
    return rounds;
  }
}
