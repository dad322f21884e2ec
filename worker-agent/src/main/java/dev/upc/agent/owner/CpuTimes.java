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

    /**
     * Parses the text of {@code /proc/stat}. By hand, without splitting lines or regular expressions: it runs twice a
     * second on an idle agent, mostly before the JIT has compiled it.
     */
    public static CpuTimes parse(String procStat) {
        long[] fields = null;
        int cpus = 0;
        for (int start = 0; start < procStat.length(); ) {
            int end = procStat.indexOf('\n', start);
            if (end < 0) {
                end = procStat.length();
            }
            if (procStat.startsWith("cpu ", start)) {
                fields = numbers(procStat, start + 4, end);
            } else if (procStat.startsWith("cpu", start) && start + 3 < end
                    && Character.isDigit(procStat.charAt(start + 3))) {
                cpus++;
            }
            start = end + 1;
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

    /** The space-separated numbers of {@code text} between {@code from} and {@code to}. */
    private static long[] numbers(String text, int from, int to) {
        long[] numbers = new long[16];
        int count = 0;
        int i = from;
        while (i < to) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r') {
                i++;
                continue;
            }
            long value = 0;
            int digits = 0;
            while (i < to && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = Math.multiplyExact(value, 10) + (text.charAt(i) - '0');
                digits++;
                i++;
            }
            if (digits == 0 || i < to && text.charAt(i) != ' ' && text.charAt(i) != '\t'
                    && text.charAt(i) != '\r') {
                int end = text.indexOf(' ', i);
                throw new IllegalArgumentException("not a number in the 'cpu ' line of /proc/stat: "
                        + text.substring(i - digits, end < 0 || end > to ? to : end));
            }
            if (count == numbers.length) {
                break; // more fields than any kernel has: the first ones are what counts
            }
            numbers[count++] = value;
        }
        return java.util.Arrays.copyOf(numbers, count);
    }
}
