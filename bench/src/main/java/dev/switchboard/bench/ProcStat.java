package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's CPU time from Linux's {@code /proc/<pid>/stat}. */
final class ProcStat {

  /** Clock ticks per second ({@code getconf CLK_TCK}); 100 on every Linux we run on. */
  private static final double TICKS_PER_SECOND = 100.0;

  private ProcStat() {}

  static double cpuMillis(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name (field 2) is in parentheses and may contain spaces; count from after it.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15
    long utime = Long.parseLong(fields[11]);
    long stime = Long.parseLong(fields[12]);
    return (utime + stime) * 1000.0 / TICKS_PER_SECOND;
  }
}
