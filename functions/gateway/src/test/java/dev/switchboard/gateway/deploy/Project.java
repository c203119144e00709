package dev.switchboard.gateway.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's files are, for tests that read the template, the docs or the zips. */
final class Project {

  private Project() {}

  /**
   * The repository root: the {@code switchboard.root.dir} property Maven passes to the tests, or
   * the nearest directory upwards holding {@code template.yaml}.
   */
  static Path root() {
    String property = System.getProperty("switchboard.root.dir");
    if (property != null && Files.isRegularFile(Path.of(property, "template.yaml"))) {
      return Path.of(property);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("template.yaml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no template.yaml above " + Path.of("").toAbsolutePath());
  }

  static Path template() {
    return root().resolve("template.yaml");
  }

  /** The SAM schema beside the project ({@code switchboard.schemas.dir}, or ../shared/schemas). */
  static Path samSchema() {
    String property = System.getProperty("switchboard.schemas.dir");
    Path dir = property != null ? Path.of(property) : root().resolveSibling("shared/schemas");
    return dir.resolve("sam.schema.json");
  }
}
