package dev.envelope.aws.local;

import java.util.List;

/** The Limit and Marker parameters of the list operations (ListKeys, ListAliases, ListGrants). */
final class Paging {
  private Paging() {}

  static int limit(KmsRequest req) {
    int limit = req.integer("Limit").orElse(100);
    if (limit < 1 || limit > 1000) {
      throw KmsException.validation(
          "1 validation error detected: Value '"
              + limit
              + "' at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000");
    }
    return limit;
  }

  /** Markers are the last id of the previous page; an unknown marker is a client error. */
  static int marker(KmsRequest req, List<String> ids) {
    String marker = req.string("Marker").orElse(null);
    if (marker == null) {
      return 0;
    }
    int i = ids.indexOf(marker);
    if (i < 0) {
      throw new KmsException("InvalidMarkerException", "Invalid marker " + marker);
    }
    return i + 1;
  }
}
