package dev.switchboard.testkit.lambda;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A buffered POST the fake Runtime API received: an invocation error, an init error or a restore
 * error. Header names are matched case-insensitively.
 */
public record RecordedPost(String path, Map<String, String> headers, byte[] body, long nanos) {

  public RecordedPost {
    TreeMap<String, String> folded = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    folded.putAll(headers);
    headers = Collections.unmodifiableMap(folded);
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
