package dev.envelope.aws.internal.json;

/**
 * Text that {@link JsonReader} refuses: not JSON, not exactly one value, or an object with a member
 * name twice. The message says what and where (line and column, both one-based); it may quote a few
 * characters of the offending token, never more.
 */
public final class JsonException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final int column;

  JsonException(String problem, int line, int column, Throwable cause) {
    super(line > 0 ? problem + " (line " + line + ", column " + column + ")" : problem, cause);
    this.line = line;
    this.column = column;
  }

  /** One-based line of the problem, or 0 if unknown. */
  public int line() {
    return line;
  }

  /** One-based column of the problem, or 0 if unknown. */
  public int column() {
    return column;
  }
}
