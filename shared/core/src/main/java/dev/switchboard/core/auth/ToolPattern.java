package dev.switchboard.core.auth;

/**
 * The {@code server/tool} patterns of a key's MCP tool lists: {@code *} stands for any run of
 * characters (none included), every other character for itself. A pattern without {@code /} names
 * servers and every one of their tools ({@code files} is {@code files/*}).
 */
final class ToolPattern {

  private ToolPattern() {}

  /** Whether {@code pattern} names the tool {@code name} ({@code server/tool}). */
  static boolean matches(String pattern, String name) {
    return glob(full(pattern), 0, name, 0);
  }

  /** Whether {@code pattern} may name some tool of {@code server}. */
  static boolean reachesServer(String pattern, String server) {
    String p = full(pattern);
    int slash = p.indexOf('/');
    // a pattern that starts with '*' may span the slash, so it may name a tool of any server
    return p.startsWith("*") || glob(p.substring(0, slash), 0, server, 0);
  }

  /** Whether {@code pattern} names every tool of {@code server}. */
  static boolean coversServer(String pattern, String server) {
    String p = full(pattern);
    if (p.equals("*")) {
      return true;
    }
    int slash = p.indexOf('/');
    return slash >= 0
        && p.substring(slash + 1).equals("*")
        && glob(p.substring(0, slash), 0, server, 0);
  }

  private static String full(String pattern) {
    return pattern.indexOf('/') < 0 && !pattern.equals("*") ? pattern + "/*" : pattern;
  }

  private static boolean glob(String p, int pi, String s, int si) {
    // iterative wildcard match with one backtrack point: linear for patterns of one kind of star
    int star = -1;
    int mark = 0;
    while (si < s.length()) {
      if (pi < p.length() && p.charAt(pi) == '*') {
        star = pi++;
        mark = si;
      } else if (pi < p.length() && p.charAt(pi) == s.charAt(si)) {
        pi++;
        si++;
      } else if (star >= 0) {
        pi = star + 1;
        si = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }
}
