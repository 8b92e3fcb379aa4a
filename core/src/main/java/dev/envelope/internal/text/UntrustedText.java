package dev.envelope.internal.text;

import java.util.Collection;
import java.util.Iterator;

/**
 * The one way Envelope writes text it does not control into exception messages: provider ids and
 * context keys of a header not yet authenticated, key ARNs of encrypted data keys, answers of a key
 * provider, Regions and account ids given as strings.
 *
 * <p>Such text could carry line breaks or terminal escapes (forged log lines) or be tens of
 * kilobytes long (a header field holds 65535 bytes). Here it becomes printable ASCII: characters
 * {@code 0x20}-{@code 0x7E} stay, a backslash or quote is escaped, and every other character
 * (controls, line and paragraph separators, bidirectional overrides, any non-ASCII) is written as
 * {@code \}{@code uXXXX}, so that two different strings never read the same. Output is capped at a
 * length, after which {@code ...(N chars)} tells how long the original was; lists are capped at a
 * number of items.
 */
public final class UntrustedText {
  /** Default cap on the characters written for one string, escapes included. */
  public static final int MAX_CHARS = 160;

  /** Default cap on the items written for one list. */
  public static final int MAX_ITEMS = 10;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private UntrustedText() {}

  /**
   * {@code s} made printable, capped at {@link #MAX_CHARS}, in single quotes; {@code null} for
   * null.
   */
  public static String quote(String s) {
    return quote(s, MAX_CHARS);
  }

  /**
   * {@code s} made printable, capped at {@code maxChars}, in single quotes; {@code null} for null.
   */
  public static String quote(String s, int maxChars) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(s.length(), maxChars) + 8);
    out.append('\'');
    append(out, s, maxChars);
    return out.append('\'').toString();
  }

  /**
   * {@code s} made printable and capped at {@code maxChars}, without quotes: for a longer text such
   * as a service's error message, quoted in a sentence of its own.
   */
  public static String printable(String s, int maxChars) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(s.length(), maxChars) + 8);
    append(out, s, maxChars);
    return out.toString();
  }

  /**
   * The items, each quoted and capped, in brackets, at most {@link #MAX_ITEMS} of them, followed by
   * the number left out: {@code ['a', 'b', ... and 3 more]}. Iterates in the collection's order;
   * pass a sorted collection for a stable message.
   */
  public static String list(Collection<String> items) {
    StringBuilder out = new StringBuilder("[");
    Iterator<String> it = items.iterator();
    int shown = 0;
    while (it.hasNext() && shown < MAX_ITEMS) {
      if (shown > 0) {
        out.append(", ");
      }
      out.append(quote(it.next(), 64));
      shown++;
    }
    if (items.size() > shown) {
      out.append(shown > 0 ? ", " : "")
          .append("... and ")
          .append(items.size() - shown)
          .append(" more");
    }
    return out.append(']').toString();
  }

  private static void append(StringBuilder out, String s, int maxChars) {
    int start = out.length();
    int i = 0;
    for (; i < s.length() && out.length() - start < maxChars; i++) {
      char c = s.charAt(i);
      if (c == '\\' || c == '\'') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7F) {
        out.append(c);
      } else {
        out.append("\\u")
            .append(HEX[(c >> 12) & 0xF])
            .append(HEX[(c >> 8) & 0xF])
            .append(HEX[(c >> 4) & 0xF])
            .append(HEX[c & 0xF]);
      }
    }
    if (i < s.length()) {
      out.append("...(").append(s.length()).append(" chars)");
    }
  }
}
