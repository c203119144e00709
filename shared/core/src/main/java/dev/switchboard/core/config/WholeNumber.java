package dev.switchboard.core.config;

/**
 * A variable holding a whole number: its name, the value when unset, and the accepted range.
 * Declared once in {@link Variables}, so the code and the configuration table can be checked
 * against each other.
 */
public record WholeNumber(String name, int fallback, int min, int max) {

  public WholeNumber {
    if (fallback < min || fallback > max) {
      throw new IllegalArgumentException(name + ": default outside its own range");
    }
  }

  /**
   * The same variable with another default, for a function that needs one (reports wait longer).
   */
  public WholeNumber withFallback(int otherFallback) {
    return new WholeNumber(name, otherFallback, min, max);
  }
}
