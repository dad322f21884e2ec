package dev.upc.scheduler.policy;

import java.util.Set;

/**
 * What decides whether a checkpoint taken on one PC restores on another: CRIU restores the exact
 * process state, so the CPU must offer every instruction-set feature the source had, and the
 * runtime stack must read the source's images.
 *
 * @param criuVersion dotted version, e.g. {@code 4.1.1}
 */
public record HostFacts(String arch, Set<String> cpuFlags, String ociRuntime, String criuVersion) {

    public HostFacts {
        cpuFlags = Set.copyOf(cpuFlags);
    }

    /** Whether a checkpoint taken on {@code source} can be restored here. */
    public boolean canRestoreFrom(HostFacts source) {
        return arch.equals(source.arch)
                && cpuFlags.containsAll(source.cpuFlags)
                && ociRuntime.equals(source.ociRuntime)
                && compareVersions(criuVersion, source.criuVersion) >= 0;
    }

    static int compareVersions(String a, String b) {
        String[] x = a.split("[.-]");
        String[] y = b.split("[.-]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int d = Integer.compare(part(x, i), part(y, i));
            if (d != 0) {
                return d;
            }
        }
        return 0;
    }

    private static int part(String[] parts, int i) {
        if (i >= parts.length) {
            return 0;
        }
        try {
            return Integer.parseInt(parts[i]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
