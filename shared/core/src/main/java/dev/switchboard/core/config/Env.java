package dev.switchboard.core.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one reader of configuration variables, shared by every function and the dev server: typed,
 * validated values from an environment map, each failure naming the variable. A value is quoted in
 * a message only where it cannot be a secret (a number, a URL); the Lambda runtime masks what it
 * reports anyway.
 *
 * <p>Blank counts as unset, and values are stripped, so {@code KEYS_TABLE=" keys "} and a
 * template's empty parameter behave as an operator expects.
 */
public final class Env {

  private final Map<String, String> values;

  private Env(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static Env of(Map<String, String> values) {
    return new Env(values);
  }

  /** The process environment. */
  public static Env system() {
    return new Env(System.getenv());
  }

  /**
   * This environment over {@code under}: a variable set here wins, one set only in {@code under} (a
   * secret's entries, the dev server's defaults) is added.
   */
  public Env over(Map<String, String> under) {
    Map<String, String> merged = new HashMap<>(under);
    values.forEach(
        (name, value) -> {
          if (!value.isBlank() || !merged.containsKey(name)) {
            merged.put(name, value);
          }
        });
    return new Env(merged);
  }

  /** This environment with {@code name} set to {@code value}, replacing what was there. */
  public Env with(String name, String value) {
    Map<String, String> changed = new HashMap<>(values);
    changed.put(name, value);
    return new Env(changed);
  }

  /** This environment without {@code name}. */
  public Env without(String name) {
    Map<String, String> changed = new HashMap<>(values);
    changed.remove(name);
    return new Env(changed);
  }

  public Optional<String> optional(String name) {
    String value = values.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  public boolean isSet(String name) {
    return optional(name).isPresent();
  }

  public String required(String name) {
    return optional(name).orElseThrow(() -> new IllegalArgumentException(name + " must be set"));
  }

  public int integer(WholeNumber variable) {
    return integer(variable.name(), variable.fallback(), variable.min(), variable.max());
  }

  public Duration millis(WholeNumber variable) {
    return Duration.ofMillis(integer(variable));
  }

  public Duration seconds(WholeNumber variable) {
    return Duration.ofSeconds(integer(variable));
  }

  public Duration days(WholeNumber variable) {
    return Duration.ofDays(integer(variable));
  }

  public boolean bool(Flag variable) {
    return bool(variable.name(), variable.fallback());
  }

  /** A flag whose default depends on other variables. */
  public boolean bool(String name, boolean fallback) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return fallback;
    }
    return switch (value.get().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false");
    };
  }

  /** The http(s) URL in {@code name}, if set; an invalid one fails. */
  public Optional<URI> optionalUrl(String name) {
    return optional(name).map(value -> url(name, value));
  }

  /** The http(s) URL in {@code name}, else {@code fallback}. */
  public URI url(String name, String fallback) {
    String value = optional(name).orElse(fallback);
    IllegalArgumentException invalid =
        new IllegalArgumentException(name + " must be an http(s) URL, got '" + value + "'");
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw invalid;
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw invalid;
    }
    return uri;
  }

  /**
   * The file {@code name} points to, if set; one that cannot be read fails now, not mid-request.
   */
  public Optional<Path> readableFile(String name) {
    Optional<Path> file = optional(name).map(Path::of);
    if (file.isPresent() && !Files.isReadable(file.get())) {
      throw new IllegalArgumentException(name + " names a file that cannot be read: " + file.get());
    }
    return file;
  }

  private int integer(String name, int fallback, int min, int max) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return fallback;
    }
    int v;
    try {
      v = Integer.parseInt(value.get());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be a whole number, got '" + value.get() + "'");
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", got " + v);
    }
    return v;
  }

  /** Names the variables that are set, never a value. */
  @Override
  public String toString() {
    return "Env" + new java.util.TreeSet<>(values.keySet());
  }
}
