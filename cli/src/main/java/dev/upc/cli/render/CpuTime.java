package dev.upc.cli.render;

import java.util.Locale;

/** CPU time with two units, precise enough to see it grow: "42s", "3m05s", "2h05m", "3d04h". */
public final class CpuTime {

    private CpuTime() {
    }

    public static String of(Double seconds) {
        if (seconds == null) {
            return Cells.NONE;
        }
        long s = Math.max(0, Math.round(seconds));
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, s % 86_400 / 3600);
    }
}
