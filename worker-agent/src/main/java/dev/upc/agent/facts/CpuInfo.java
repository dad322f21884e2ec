package dev.upc.agent.facts;

import java.util.Arrays;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The parts of {@code /proc/cpuinfo} the scheduler needs.
 *
 * @param processors logical CPUs listed
 * @param modelName  {@code model name} (x86), else {@code Hardware} or {@code Model} (some arm boards); null if none
 * @param flags      {@code flags} (x86) or {@code Features} (arm) common to every listed CPU: a checkpoint
 *                   may be resumed on any core, so only what all of them have counts
 */
public record CpuInfo(int processors, String modelName, SortedSet<String> flags) {

    public CpuInfo {
        flags = Collections.unmodifiableSortedSet(new TreeSet<>(flags));
    }

    public static CpuInfo parse(String cpuinfo) {
        int processors = 0;
        String modelName = null;
        String boardName = null;
        SortedSet<String> common = null;
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "processor" -> {
                    // Old arm kernels also print "Processor : AArch64 ..." (capital P); only numbered entries are CPUs.
                    if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                        processors++;
                    }
                }
                case "model name" -> modelName = modelName == null && !value.isEmpty() ? value : modelName;
                case "Hardware", "Model" -> boardName = boardName == null && !value.isEmpty() ? value : boardName;
                case "flags", "Features" -> {
                    SortedSet<String> these = new TreeSet<>(Arrays.asList(value.split("\\s+")));
                    these.remove("");
                    if (common == null) {
                        common = these;
                    } else {
                        common.retainAll(these);
                    }
                }
                default -> { }
            }
        }
        if (processors == 0) {
            throw new MachineFactsException("cpuinfo lists no processor");
        }
        return new CpuInfo(processors, modelName != null ? modelName : boardName,
                common == null ? new TreeSet<>() : common);
    }
}
