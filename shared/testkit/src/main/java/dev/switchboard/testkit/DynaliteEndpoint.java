package dev.switchboard.testkit;

import java.net.URI;

/** Where the test run's dynalite listens, handed to tests by {@link DynaliteExtension}. */
public record DynaliteEndpoint(URI uri) {

  /** The loopback port of the endpoint. */
  public int port() {
    return uri.getPort();
  }
}
