package dev.upc.agent.owner;

import dev.upc.protocol.OwnerState;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A manual override of the owner's state, set on the PC itself ({@code upc-agent owner active|idle|auto}) for tests
 * and demos. Thread-safe; listeners are called at once, on the thread that changed the mode.
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
    private Mode mode = Mode.AUTO;

    public synchronized Mode mode() {
        return mode;
    }

    /**
     * Sets the mode and, when it changed, tells every listener before returning. Changes are serialised, so
     * listeners see them in order.
     *
     * @return whether the mode changed
     */
    public synchronized boolean set(Mode newMode) {
        Objects.requireNonNull(newMode, "mode");
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
