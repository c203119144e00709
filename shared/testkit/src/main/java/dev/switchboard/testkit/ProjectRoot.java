package dev.switchboard.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository root and the schema handbook beside it, the same way for every caller. */
final class ProjectRoot {

  static final String ROOT_PROPERTY = "switchboard.root.dir";
  static final String SCHEMAS_PROPERTY = "switchboard.schemas.dir";

  private ProjectRoot() {}

  /**
   * The repository root: system property {@value #ROOT_PROPERTY} (set by surefire and failsafe),
   * else the nearest directory at or above the working directory holding both {@code package.json}
   * and {@code pom.xml}.
   */
  static Path root() {
    String configured = System.getProperty(ROOT_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path start = Path.of("").toAbsolutePath().normalize();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("package.json"))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "Cannot find the Switchboard repository root: no directory at or above "
            + start
            + " holds both package.json and pom.xml; set -D"
            + ROOT_PROPERTY
            + "=<path>");
  }

  /**
   * The schema handbook directory: system property {@value #SCHEMAS_PROPERTY}, else {@code
   * <root>/../shared/schemas}.
   */
  static Path schemas() {
    String configured = System.getProperty(SCHEMAS_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    return root().resolve("../shared/schemas").normalize();
  }
}
