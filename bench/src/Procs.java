import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmark reads about a target's processes from /proc: resident memory and CPU time, summed over pids. */
final class Procs {
    private Procs() {}

    /** VmRSS summed over the pids, in KB; a process that is gone counts 0. */
    static long rssKb(long[] pids) {
        long sum = 0;
        for (long pid : pids) {
            try {
                for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
                    if (l.startsWith("VmRSS:")) sum += Long.parseLong(l.replaceAll("[^0-9]", ""));
            } catch (Exception e) { /* process gone */ }
        }
        return sum;
    }

    /** utime + stime (fields 14 and 15 of /proc/PID/stat, clock ticks, every thread of the process) summed over the pids. */
    static long cpuTicks(long[] pids) {
        long sum = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (Exception e) { /* process gone */ }
        }
        return sum;
    }

    static long[] parse(String commaList) {
        if (commaList.equals("-") || commaList.isBlank()) return new long[0];
        return java.util.Arrays.stream(commaList.split(",")).mapToLong(Long::parseLong).toArray();
    }
}
