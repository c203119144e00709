package dev.switchboard.providers.wire;

import java.util.Locale;
import java.util.Optional;

/**
 * A base64 {@code data:} URL as OpenAI clients send inline images: {@code
 * data:image/png;base64,iVBOR...}.
 */
public record DataUrl(String mediaType, String base64) {

  /** The parts of {@code url} when it is a base64 data URL; empty for any other URL. */
  public static Optional<DataUrl> parse(String url) {
    if (url == null || !url.regionMatches(true, 0, "data:", 0, 5)) {
      return Optional.empty();
    }
    int comma = url.indexOf(',');
    if (comma < 0) {
      return Optional.empty();
    }
    String meta = url.substring(5, comma);
    if (!meta.toLowerCase(Locale.ROOT).endsWith(";base64")) {
      return Optional.empty();
    }
    String type = meta.substring(0, meta.length() - ";base64".length());
    return Optional.of(
        new DataUrl(type.isEmpty() ? "application/octet-stream" : type, url.substring(comma + 1)));
  }
}
