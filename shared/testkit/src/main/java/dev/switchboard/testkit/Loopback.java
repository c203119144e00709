package dev.switchboard.testkit;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The IPv4 loopback address, whatever the JVM's IPv6 preference says. */
final class Loopback {

  static final InetAddress ADDRESS = ipv4();

  private Loopback() {}

  private static InetAddress ipv4() {
    try {
      return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException impossible) {
      throw new ExceptionInInitializerError(impossible);
    }
  }
}
