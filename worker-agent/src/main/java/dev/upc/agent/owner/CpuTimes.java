package dev.upc.agent.owner;

/**
 * The cumulative CPU times of the whole machine, from the first ({@code cpu }) line of {@code /proc/stat}, in
 * clock ticks (USER_HZ).
 *
 * @param busyTicks  user + nice + system + irq + softirq. Guest time is already inside user and nice; steal is
 *                   time the hypervisor gave to someone else, so it is nobody's use of this PC.
 * @param totalTicks busy + idle + iowait + steal: all the time of all the CPUs
 * @param cpus       the number of {@code cpuN} lines (online CPUs)
 */
public record CpuTimes(long busyTicks, long totalTicks, int cpus) {

    public CpuTimes {
        if (busyTicks < 0 || totalTicks < busyTicks || cpus < 1) {
            throw new IllegalArgumentException("inconsistent CPU times: busy " + busyTicks + ", total " + totalTicks
                    + ", cpus " + cpus);
        }
    }

    /** Parses the text of {@code /proc/stat}. */
    public static CpuTimes parse(String procStat) {
        long[] fields = null;
        int cpus = 0;
        for (String line : procStat.split("\n")) {
            if (line.startsWith("cpu ")) {
                fields = numbers(line);
            } else if (line.startsWith("cpu") && line.length() > 3 && Character.isDigit(line.charAt(3))) {
                cpus++;
            }
        }
        if (fields == null) {
            throw new IllegalArgumentException("no 'cpu ' line in /proc/stat");
        }
        // user nice system idle iowait irq softirq steal [guest guest_nice]; kernels since 2.6.11 have all 8.
        if (fields.length < 8) {
            throw new IllegalArgumentException("the 'cpu ' line of /proc/stat has " + fields.length
                    + " numbers, expected at least 8");
        }
        long busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6];
        long total = busy + fields[3] + fields[4] + fields[7];
        return new CpuTimes(busy, total, Math.max(cpus, 1));
    }

    private static long[] numbers(String line) {
        String[] parts = line.strip().split("\\s+");
        long[] numbers = new long[parts.length - 1];
        for (int i = 1; i < parts.length; i++) {
            try {
                numbers[i - 1] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number in the 'cpu ' line of /proc/stat: " + parts[i], e);
            }
        }
        return numbers;
    }
}
