package dev.envelope.aws.policy.lint;

import dev.envelope.aws.policy.PolicyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonLocation;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;

/**
 * Finds where each element of a policy's top-level {@code Statement} array starts (line) and what
 * text it spans, with a streaming parser because the tree parser keeps no locations. The span lets
 * the linter parse statements one by one when the whole document does not parse, so that one bad
 * condition key is a finding rather than the end of the lint.
 *
 * <p>Duplicate keys are tolerated here on purpose: the policy parser rejects them with a precise
 * message, which becomes a finding; only text that is not JSON at all is an error.
 */
final class StatementLocator {
  private static final JsonFactory FACTORY = new JsonFactory();

  /** Where one statement is: its one-based line and its exact source text. */
  record Span(int line, String text) {}

  /**
   * The statements' spans and whether a Statement element was found at top level.
   *
   * @param statementMember line of the Statement member, 0 if absent
   */
  record Located(List<Span> spans, int statementMember, boolean topLevelObject) {}

  private StatementLocator() {}

  /**
   * @throws PolicyException if {@code json} is not well-formed JSON (one value, nothing after it)
   */
  static Located locate(String json) {
    List<Span> spans = new ArrayList<>();
    int statementLine = 0;
    boolean object;
    try (JsonParser p = FACTORY.createParser(json)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new PolicyException("The document is empty; a policy is a JSON object.");
      }
      object = t == JsonToken.START_OBJECT;
      if (object) {
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          int memberLine = p.getTokenLocation().getLineNr();
          t = p.nextToken();
          if ("Statement".equals(name) && statementLine == 0) {
            statementLine = memberLine;
            if (t == JsonToken.START_ARRAY) {
              while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                spans.add(span(json, p));
              }
            } else if (t == JsonToken.START_OBJECT) {
              spans.add(span(json, p));
            }
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
      if (p.nextToken() != null) {
        throw new PolicyException(
            "The document has content after its JSON value at line "
                + p.getTokenLocation().getLineNr()
                + "; a policy is exactly one JSON object.");
      }
    } catch (IOException e) {
      throw new PolicyException("The document is not valid JSON: " + describe(e), e);
    }
    return new Located(List.copyOf(spans), statementLine, object);
  }

  private static Span span(String json, JsonParser p) throws IOException {
    JsonLocation start = p.getTokenLocation();
    p.skipChildren();
    long end = p.getCurrentLocation().getCharOffset();
    int from = (int) start.getCharOffset();
    return new Span(start.getLineNr(), json.substring(from, (int) Math.min(end, json.length())));
  }

  private static String describe(IOException e) {
    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
    // Jackson appends a source excerpt after a newline; the line/column are what a user needs.
    int nl = msg.indexOf('\n');
    String first = nl < 0 ? msg : msg.substring(0, nl);
    if (e instanceof software.amazon.awssdk.thirdparty.jackson.core.JsonProcessingException jpe
        && jpe.getLocation() != null) {
      return first
          + " (line "
          + jpe.getLocation().getLineNr()
          + ", column "
          + jpe.getLocation().getColumnNr()
          + ")";
    }
    return first;
  }
}
