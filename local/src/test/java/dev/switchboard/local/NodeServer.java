package dev.switchboard.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running test script under {@code local/src/test} (a fake server), run with the machine's
 * {@code node} from the repository root: it prints one line of JSON naming its port once it
 * listens, and stops when its standard input is closed.
 */
final class NodeServer implements AutoCloseable {

  private final Process node;
  private final int port;

  private NodeServer(Process node, int port) {
    this.node = node;
    this.port = port;
  }

  /** Starts {@code script} with {@code args} and waits for the line naming its port. */
  static NodeServer start(String script, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(List.of("node", NodeScript.root().resolve(script).toString()));
    command.addAll(List.of(args));
    Process node =
        new ProcessBuilder(command)
            .directory(NodeScript.root().toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    // readLine returns null if the script dies first: the test fails with its exit instead of
    // waiting
    String line = out.readLine();
    if (line == null) {
      node.destroyForcibly();
      throw new IOException(script + " ended before it listened");
    }
    JsonNode ready = DevServerHarness.json(line);
    return new NodeServer(node, ready.path("port").asInt());
  }

  int port() {
    return port;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() throws Exception {
    node.getOutputStream().close();
    if (!node.waitFor(5, TimeUnit.SECONDS)) {
      node.destroyForcibly();
    }
  }
}
