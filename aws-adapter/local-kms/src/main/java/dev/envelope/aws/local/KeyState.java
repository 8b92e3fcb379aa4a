package dev.envelope.aws.local;

/** The key states this KMS models, with their wire names. */
enum KeyState {
  ENABLED("Enabled"),
  DISABLED("Disabled"),
  PENDING_DELETION("PendingDeletion");

  private final String wireName;

  KeyState(String wireName) {
    this.wireName = wireName;
  }

  String wireName() {
    return wireName;
  }
}
