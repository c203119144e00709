package dev.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the run ran on, for the report: figures from another machine are not comparable. */
record Machine(
    String cpu, int cores, String memory, String os, String jdk, String node, String portkey) {

  /** The 1, 5 and 15 minute load averages: other work on a shared machine shows up here. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  static Machine describe(Bench.Options options) {
    return new Machine(
        firstMatch(Path.of("/proc/cpuinfo"), "model name\\s*:\\s*(.+)", "unknown CPU"),
        Runtime.getRuntime().availableProcessors(),
        totalMemory(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.runtime.version")
            + " (harness and dev server)",
        nodeVersion(options.node()),
        firstMatch(
            options.root().resolve("bench/node_modules/@portkey-ai/gateway/package.json"),
            "\"version\"\\s*:\\s*\"([^\"]+)\"",
            "not installed"));
  }

  private static String totalMemory() {
    String kb = firstMatch(Path.of("/proc/meminfo"), "MemTotal:\\s*(\\d+) kB", null);
    return kb == null ? "unknown" : String.format("%.1f GiB", Long.parseLong(kb) / 1048576.0);
  }

  private static String nodeVersion(String node) {
    try {
      Process process = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(5, TimeUnit.SECONDS);
      return out.strip();
    } catch (IOException e) {
      return "not found";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static String firstMatch(Path file, String regex, String fallback) {
    try {
      Matcher m = Pattern.compile(regex).matcher(Files.readString(file));
      return m.find() ? m.group(1).strip() : fallback;
    } catch (IOException e) {
      return fallback;
    }
  }
}
