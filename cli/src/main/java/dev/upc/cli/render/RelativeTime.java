package dev.upc.cli.render;

import java.time.Duration;
import java.time.Instant;

/** Durations the way people glance at them: the largest whole unit only ("12s", "3m", "2h", "4d"). */
public final class RelativeTime {

    private RelativeTime() {
    }

    /** "12s", "3m", "2h", "4d"; negative durations (clock skew between hosts) count as 0s. */
    public static String of(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + "h";
        }
        return seconds / 86_400 + "d";
    }

    /** How long ago {@code then} was; "—" when unknown. */
    public static String ago(Instant then, Instant now) {
        return then == null ? Cells.NONE : of(Duration.between(then, now));
    }

    /** "in 29d", or "expired 3h ago" once past. */
    public static String until(Instant then, Instant now) {
        if (then == null) {
            return "never";
        }
        Duration left = Duration.between(now, then);
        return left.isNegative() ? "expired " + of(left.negated()) + " ago" : "in " + of(left);
    }
}
