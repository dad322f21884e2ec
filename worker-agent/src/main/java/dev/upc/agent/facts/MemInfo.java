package dev.upc.agent.facts;

/** {@code MemTotal} of {@code /proc/meminfo}. */
public final class MemInfo {

    private MemInfo() {
    }

    /** Total physical memory in MiB, rounded down. */
    public static long totalMiB(String meminfo) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
                if (parts.length != 2 || !parts[1].equals("kB")) {
                    throw new MachineFactsException("meminfo MemTotal is not in kB: " + line);
                }
                try {
                    return Long.parseLong(parts[0]) / 1024;
                } catch (NumberFormatException e) {
                    throw new MachineFactsException("meminfo MemTotal is not a number: " + line, e);
                }
            }
        }
        throw new MachineFactsException("meminfo has no MemTotal line");
    }
}
