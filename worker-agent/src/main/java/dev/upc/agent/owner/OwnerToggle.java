package dev.upc.agent.owner;

import dev.upc.protocol.OwnerState;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A manual override of the owner's state, set on the PC itself: {@code upc-agent owner active|idle|auto}, or a snooze
 * ({@code upc-agent owner snooze 2h}: not lent for two hours, then the detectors decide again). Thread-safe; listeners
 * are called at once, on the thread that changed the mode.
 */
public final class OwnerToggle {

    /** {@link #AUTO} means no override: the detectors decide. */
    public enum Mode {
        AUTO, ACTIVE, IDLE;

        /** {@code active}, {@code idle} or {@code auto}, in any case. */
        public static Mode parse(String text) {
            String name = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
            for (Mode mode : values()) {
                if (mode.name().equals(name)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("owner mode must be one of active, idle, auto; got '" + text + "'");
        }

        /** The state this mode forces, or empty for {@link #AUTO}. */
        public Optional<OwnerState> forced() {
            return switch (this) {
                case AUTO -> Optional.empty();
                case ACTIVE -> Optional.of(OwnerState.ACTIVE);
                case IDLE -> Optional.of(OwnerState.IDLE);
            };
        }
    }

    private final CopyOnWriteArrayList<Consumer<Mode>> listeners = new CopyOnWriteArrayList<>();
    /** The longest snooze: a week (a PC kept longer is better taken out of UPC). */
    public static final Duration MAX_SNOOZE = Duration.ofDays(7);

    private Mode mode = Mode.AUTO;
    private Instant snoozedUntil;

    public synchronized Mode mode() {
        return mode;
    }

    /** When a snooze ends, or empty when the mode is not a snooze. */
    public synchronized Optional<Instant> snoozedUntil() {
        return Optional.ofNullable(snoozedUntil);
    }

    /** Not lent ({@link Mode#ACTIVE}) until {@code until}; then {@link Mode#AUTO} again (see {@link #expire}). */
    public synchronized void snooze(Instant until) {
        snoozedUntil = null;
        if (mode != Mode.ACTIVE) {
            set(Mode.ACTIVE);
        }
        snoozedUntil = until;
    }

    /** Ends a snooze that is over by {@code now}; the owner watch asks on every sample. */
    public synchronized void expire(Instant now) {
        if (snoozedUntil != null && !now.isBefore(snoozedUntil)) {
            set(Mode.AUTO);
        }
    }

    /** {@code 90s}, {@code 30m}, {@code 2h} or {@code 1d}, up to {@link #MAX_SNOOZE}. */
    public static Duration parseSnooze(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,6})([smhd])")
                .matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("a snooze is a number and a unit (s, m, h, d), e.g. 2h; got '" + text
                    + "'");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero() || d.compareTo(MAX_SNOOZE) > 0) {
            throw new IllegalArgumentException("a snooze lasts from 1 s to 7 days; got '" + text + "'");
        }
        return d;
    }

    /**
     * Sets the mode and, when it changed, tells every listener before returning. Changes are serialised, so
     * listeners see them in order.
     *
     * @return whether the mode changed
     */
    public synchronized boolean set(Mode newMode) {
        Objects.requireNonNull(newMode, "mode");
        snoozedUntil = null;
        if (newMode == mode) {
            return false;
        }
        mode = newMode;
        for (Consumer<Mode> listener : listeners) {
            listener.accept(newMode);
        }
        return true;
    }

    /**
     * Calls the listener once at once with the current mode, then with the new mode on every change, on the changing
     * thread. Doing both under one lock means no change can slip between. The listener must be quick and must not
     * block.
     */
    public synchronized void addListener(Consumer<Mode> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        listener.accept(mode);
    }

    public void removeListener(Consumer<Mode> listener) {
        listeners.remove(listener);
    }
}
