package dev.switchboard.deploy;

import dev.switchboard.testkit.ProjectRoot;
import java.nio.file.Path;

/** Where the repository's files are, for tests that read the template, the docs or the zips. */
final class Project {

  private Project() {}

  static Path root() {
    return ProjectRoot.root();
  }

  static Path template() {
    return root().resolve("template.yaml");
  }
}
