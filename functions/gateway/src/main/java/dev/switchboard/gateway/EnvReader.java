package dev.switchboard.gateway;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/** Reads typed, validated values from an environment map; each failure names the variable. */
record EnvReader(Map<String, String> env) {

  Optional<String> optional(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  String required(String name) {
    return optional(name).orElseThrow(() -> new IllegalArgumentException(name + " must be set"));
  }

  int integer(String name, int fallback, int min, int max) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(value.get());
      if (v < min || v > max) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + ", got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be a whole number, got '" + value.get() + "'");
    }
  }

  boolean bool(String name, boolean fallback) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return fallback;
    }
    return switch (value.get().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false");
    };
  }

  /** The URL in {@code name}, if set; an invalid one fails. */
  Optional<URI> optionalUrl(String name) {
    return optional(name).map(value -> url(name, value));
  }

  URI url(String name, String fallback) {
    String value = optional(name).orElse(fallback);
    try {
      URI uri = URI.create(value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(name + " must be an http(s) URL, got '" + value + "'");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " must be an http(s) URL, got '" + value + "'");
    }
  }
}
