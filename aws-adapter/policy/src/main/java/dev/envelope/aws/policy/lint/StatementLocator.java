package dev.envelope.aws.policy.lint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.envelope.aws.internal.json.JsonReader;
import dev.envelope.aws.policy.PolicyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds where each element of a policy's top-level {@code Statement} array starts (line), what text
 * it spans and its Sid, with Jackson's streaming parser because a tree keeps no locations. The span
 * lets the linter parse statements one by one when the whole document does not parse, so that one
 * bad condition key is a finding rather than the end of the lint.
 *
 * <p>Duplicate keys are tolerated here on purpose: the policy parser rejects them with a precise
 * message, which becomes a finding; only text that is not JSON at all is an error.
 */
final class StatementLocator {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

  /**
   * Where one statement is: its one-based line, its exact source text, and its Sid (the first
   * string Sid, or null), to name a statement that does not parse.
   */
  record Span(int line, String text, String sid) {}

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
          int memberLine = p.currentTokenLocation().getLineNr();
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
                + p.currentTokenLocation().getLineNr()
                + "; a policy is exactly one JSON object.");
      }
    } catch (IOException e) {
      throw new PolicyException(
          "The document is not valid JSON: " + JsonReader.problem(e).getMessage(), e);
    }
    return new Located(List.copyOf(spans), statementLine, object);
  }

  private static Span span(String json, JsonParser p) throws IOException {
    JsonLocation start = p.currentTokenLocation();
    String sid = null;
    if (p.currentToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean isSid = "Sid".equals(p.currentName());
        if (p.nextToken() == JsonToken.VALUE_STRING && isSid && sid == null) {
          sid = p.getText();
        } else {
          p.skipChildren();
        }
      }
    } else {
      p.skipChildren();
    }
    long end = p.currentLocation().getCharOffset();
    int from = (int) start.getCharOffset();
    return new Span(
        start.getLineNr(), json.substring(from, (int) Math.min(end, json.length())), sid);
  }
}
