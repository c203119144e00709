package dev.switchboard.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the repository root, and the optional folder of third-party schemas, the same way for every
 * test.
 */
public final class ProjectRoot {

  static final String ROOT_PROPERTY = "switchboard.root.dir";

  /** Environment variable naming the folder of third-party schemas (OpenAI's, AWS SAM's). */
  public static final String SCHEMAS_VARIABLE = "SWITCHBOARD_SCHEMAS_DIR";

  private ProjectRoot() {}

  /**
   * The repository root: system property {@value #ROOT_PROPERTY} (set by surefire and failsafe),
   * else the nearest directory at or above the working directory holding both {@code package.json}
   * and {@code pom.xml}.
   */
  public static Path root() {
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
   * A third-party schema document, when the folder {@value #SCHEMAS_VARIABLE} names (default {@code
   * ../shared/schemas} beside the repository root) holds it. A user's clone has no such folder: the
   * checks that use these documents are extras on top of the project's own schemas.
   */
  public static Optional<Path> thirdPartySchema(String file) {
    Path path = schemasDir().resolve(file);
    return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
  }

  /** Where {@link #thirdPartySchema} looks, for messages that say why a check was skipped. */
  public static Path schemasDir() {
    String configured = System.getenv(SCHEMAS_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    return root().resolve("../shared/schemas").normalize();
  }
}
