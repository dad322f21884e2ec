package dev.upc.agent.owner;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The share of each lent core's time that jobs may use — BOINC's "use at most N % of CPU time": the configured
 * {@code upc.agent.cpu-limit-percent}, or what the owner chose on the running agent ({@code upc-agent owner cpu 50},
 * back with {@code upc-agent owner cpu default}). The owner's choice is saved through {@code save} and outlives
 * restarts. Thread-safe; listeners are called on the changing thread, in order.
 */
public final class CpuCap {

    private final int configured;
    private final Consumer<Integer> save;
    private final CopyOnWriteArrayList<IntConsumer> listeners = new CopyOnWriteArrayList<>();
    private Integer chosen;

    /**
     * @param configured the configured percent, 1 to 100
     * @param chosen     the owner's saved choice, or null
     * @param save       keeps the owner's choice (null: back to the configured percent)
     */
    public CpuCap(int configured, Integer chosen, Consumer<Integer> save) {
        check(configured);
        this.configured = configured;
        this.chosen = chosen == null ? null : check(chosen);
        this.save = Objects.requireNonNull(save, "save");
    }

    /** A cap fixed at {@code percent}, with nowhere to save a choice (tools and tests). */
    public static CpuCap fixed(int percent) {
        return new CpuCap(percent, null, p -> { });
    }

    /** The percent in force. */
    public synchronized int percent() {
        return chosen != null ? chosen : configured;
    }

    /** The percent in force as a fraction, 0.01 to 1. */
    public double share() {
        return percent() / 100.0;
    }

    public int configured() {
        return configured;
    }

    /** The owner's choice, when one overrides the configured percent. */
    public synchronized Optional<Integer> chosen() {
        return Optional.ofNullable(chosen);
    }

    /** Puts {@code percent} in force, or the configured one for null; saved, then every listener told. */
    public synchronized void choose(Integer percent) {
        Integer next = percent == null ? null : check(percent);
        int before = percent();
        save.accept(next);
        chosen = next;
        if (percent() != before) {
            for (IntConsumer listener : listeners) {
                listener.accept(percent());
            }
        }
    }

    /** Told the new percent on every change. */
    public void addListener(IntConsumer listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * {@code 50}, {@code 50%}, or {@code default} (empty: the configured percent).
     *
     * @throws IllegalArgumentException for anything else, or a percent outside 1 to 100
     */
    public static Optional<Integer> parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("default")) {
            return Optional.empty();
        }
        if (t.endsWith("%")) {
            t = t.substring(0, t.length() - 1);
        }
        if (!t.matches("[0-9]{1,3}")) {
            throw new IllegalArgumentException("a CPU cap is a percent from 1 to 100 (e.g. 50) or 'default'; got '"
                    + text + "'");
        }
        return Optional.of(check(Integer.parseInt(t)));
    }

    private static int check(int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("a CPU cap is a percent from 1 to 100; got " + percent);
        }
        return percent;
    }
}
