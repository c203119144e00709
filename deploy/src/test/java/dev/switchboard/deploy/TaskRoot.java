package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A deployment zip unpacked the way Lambda unpacks it into {@code /var/task}, and the JVM to run.
 */
final class TaskRoot {

  private TaskRoot() {}

  static Path unzip(Path zip, Path target) throws IOException {
    Map<String, Integer> modes = ZipListing.modes(zip);
    try (ZipFile file = new ZipFile(zip.toFile())) {
      for (ZipEntry entry : Collections.list(file.entries())) {
        Path out = target.resolve(entry.getName()).normalize();
        assertThat(out.startsWith(target)).as(entry.getName()).isTrue();
        if (entry.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        try (InputStream in = file.getInputStream(entry)) {
          Files.copy(in, out);
        }
        // keep the exec bit the way Lambda's unpacking does
        if ((modes.getOrDefault(entry.getName(), 0) & 0100) != 0) {
          assertThat(out.toFile().setExecutable(true)).isTrue();
        }
      }
    }
    return target;
  }

  /** The java binary running this test, standing for the managed runtime's. */
  static String javaBinary() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
