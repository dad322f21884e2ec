package dev.upc.cli.render;

import dev.upc.protocol.JobEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The key facts of a job event for a human, from its type-specific details (sizes in bytes, durations in ms). */
public final class EventText {

    private EventText() {
    }

    public static String details(JobEvent event) {
        return details(event, Map.of());
    }

    /** As {@link #details(JobEvent)}, naming the PCs of a migration by {@code names} (worker id → PC name). */
    public static String details(JobEvent event, Map<String, String> names) {
        Map<String, Object> d = new java.util.HashMap<>(event.details());
        for (String key : List.of("from", "to", "rolledBackTo")) {
            if (d.get(key) instanceof String id && names.containsKey(id)) {
                d.put(key, names.get(id));
            }
        }
        List<String> parts = new ArrayList<>();
        switch (event.type()) {
            case SUBMITTED, STARTED -> {
            }
            case PLACED -> parts.add(truthy(d.get("fromCheckpoint")) || d.get("fromCheckpoint") instanceof String
                    ? "restore from checkpoint" + suffix(d.get("fromCheckpoint")) : "fresh start");
            case CHECKPOINTED -> {
                addSize(parts, d.get("sizeBytes"));
                addMillis(parts, "took ", d.get("checkpointMillis"));
                addMillis(parts, "upload ", d.get("transferMillis"));
                if (truthy(d.get("leaveRunning"))) {
                    parts.add("kept running");
                }
            }
            case MIGRATION_STARTED -> {
                parts.add(route(d));
                addText(parts, d.get("reason"));
            }
            case MIGRATED -> {
                parts.add(route(d));
                addMillis(parts, "downtime ", d.get("downtimeMillis"));
                if (d.get("sizeBytes") instanceof Number size) {
                    parts.add(Sizes.bytes(size.longValue()) + " checkpoint");
                }
                addText(parts, d.get("reason"));
            }
            case MIGRATION_FAILED -> {
                addText(parts, d.get("reason"));
                if (d.get("rolledBackTo") != null) {
                    parts.add("rolled back to " + d.get("rolledBackTo"));
                }
                if (truthy(d.get("requeued"))) {
                    parts.add("requeued");
                }
            }
            case RECOVERED -> parts.add(truthy(d.get("fromCheckpoint")) || d.get("fromCheckpoint") instanceof String
                    ? "from its last checkpoint" : "from the start");
            case EXITED -> {
                if (d.get("exitCode") != null) {
                    parts.add("exit code " + d.get("exitCode"));
                }
                if (d.get("cpuSeconds") instanceof Number cpu) {
                    parts.add("CPU " + CpuTime.of(cpu.doubleValue()));
                }
            }
            case RETRIED -> {
                addText(parts, d.get("reason"));
                if (d.get("retries") != null) {
                    parts.add("retry " + d.get("retries"));
                }
            }
            case CHECKPOINT_FAILED, EVICTED, SUCCEEDED, FAILED, CANCELLED -> addText(parts, d.get("reason"));
            default -> new TreeMap<>(d).forEach((key, value) -> parts.add(key + "=" + value));
        }
        return String.join(", ", parts);
    }

    /** Milliseconds as "850 ms", "1.2 s", "1m05s". */
    public static String millis(long millis) {
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        return CpuTime.of(millis / 1000.0);
    }

    private static String route(Map<String, Object> d) {
        return Cells.orNone(text(d.get("from"))) + " → " + Cells.orNone(text(d.get("to")));
    }

    private static void addSize(List<String> parts, Object bytes) {
        if (bytes instanceof Number size) {
            parts.add(Sizes.bytes(size.longValue()));
        }
    }

    private static void addMillis(List<String> parts, String label, Object millis) {
        if (millis instanceof Number ms) {
            parts.add(label + millis(ms.longValue()));
        }
    }

    private static void addText(List<String> parts, Object value) {
        String text = text(value);
        if (text != null && !text.isBlank()) {
            parts.add(text);
        }
    }

    private static String suffix(Object checkpoint) {
        return checkpoint instanceof String id && !id.isBlank() ? " " + id : "";
    }

    private static boolean truthy(Object value) {
        return Boolean.TRUE.equals(value) || "true".equals(value);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
