package dev.switchboard.reporting;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The usage dashboard: one static HTML page with its script and style inline, loaded once from the
 * classpath. Its Content-Security-Policy allows exactly that script and that style (by SHA-256, so
 * nothing injected can run), connections to this origin only, and nothing else.
 */
final class Dashboard {

  private static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);
  private static final Pattern STYLE = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL);

  private final byte[] page;
  private final Map<String, String> headers;

  private Dashboard(String html) {
    this.page = html.getBytes(StandardCharsets.UTF_8);
    String csp =
        "default-src 'none'; script-src "
            + hashes(SCRIPT, html)
            + "; style-src "
            + hashes(STYLE, html)
            + "; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";
    Map<String, String> h = new LinkedHashMap<>();
    h.put("content-type", "text/html; charset=utf-8");
    h.put("content-security-policy", csp);
    h.put("x-content-type-options", "nosniff");
    h.put("referrer-policy", "no-referrer");
    h.put("x-frame-options", "DENY");
    h.put("cache-control", "no-store");
    this.headers = Map.copyOf(h);
  }

  static Dashboard load() {
    try (InputStream in = Dashboard.class.getResourceAsStream("dashboard.html")) {
      if (in == null) {
        throw new IllegalStateException("dashboard.html is missing from the classpath");
      }
      return new Dashboard(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] page() {
    return page;
  }

  Map<String, String> headers() {
    return headers;
  }

  private static String hashes(Pattern element, String html) {
    StringBuilder out = new StringBuilder();
    Matcher m = element.matcher(html);
    while (m.find()) {
      if (!out.isEmpty()) {
        out.append(' ');
      }
      out.append("'sha256-").append(sha256(m.group(1))).append('\'');
    }
    return out.isEmpty() ? "'none'" : out.toString();
  }

  private static String sha256(String text) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
