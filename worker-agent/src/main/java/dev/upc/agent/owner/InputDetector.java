package dev.upc.agent.owner;

import dev.upc.protocol.OwnerState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Sees the owner's keyboard and mouse directly, as BOINC and HTCondor do, from their activity and never their content:
 * the interrupts of the PS/2 controller ({@code i8042} lines of {@code /proc/interrupts}) and the access and change
 * times of the input devices ({@code /dev/input/event*}, {@code /dev/input/mice}), which the desktop's reads and the
 * kernel's writes move. ACTIVE while there was input within {@code activeFor} (the owner reading is still at the PC).
 *
 * <p>The source is a number that grows with input ({@link #forThisMachine}); tests give their own. Where neither file
 * exists (a server, a VM) the detector is unavailable and skipped.
 */
public final class InputDetector implements OwnerDetector {

    private final LongSupplier activity;
    private final LongSupplier nanoTime;
    private final long activeForNanos;
    private long lastActivity = Long.MIN_VALUE;
    private long lastInputAt = Long.MIN_VALUE;

    /**
     * @param activity a number that changes when the owner types or moves the mouse
     * @param activeFor how long after the last input the owner counts as there
     * @param nanoTime  monotonic nanoseconds
     */
    InputDetector(LongSupplier activity, Duration activeFor, LongSupplier nanoTime) {
        this.activity = Objects.requireNonNull(activity, "activity");
        this.activeForNanos = activeFor.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The PS/2 interrupts and the input devices' times of this machine; empty where it has neither. */
    public static Optional<InputDetector> forThisMachine(Duration activeFor) {
        Path interrupts = Path.of("/proc/interrupts");
        Path devices = Path.of("/dev/input");
        boolean ps2 = i8042Interrupts(interrupts) > 0;
        if (!ps2 && !Files.isDirectory(devices)) {
            return Optional.empty();
        }
        return Optional.of(new InputDetector(() -> i8042Interrupts(interrupts) + deviceTimes(devices), activeFor,
                System::nanoTime));
    }

    @Override
    public String name() {
        return "input";
    }

    /** The first sample sets the baseline and says IDLE: input before the agent started is not seen. */
    @Override
    public synchronized OwnerState sample() {
        long now = nanoTime.getAsLong();
        long current = activity.getAsLong();
        if (lastActivity != Long.MIN_VALUE && current != lastActivity) {
            lastInputAt = now;
        }
        lastActivity = current;
        return lastInputAt != Long.MIN_VALUE && now - lastInputAt < activeForNanos ? OwnerState.ACTIVE
                : OwnerState.IDLE;
    }

    /** The sum of the interrupt counts of the PS/2 keyboard and mouse controller; 0 without one. */
    static long i8042Interrupts(Path procInterrupts) {
        try {
            return i8042Interrupts(Files.readString(procInterrupts, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return 0;
        }
    }

    static long i8042Interrupts(String text) {
        long sum = 0;
        for (String line : text.split("\n")) {
            if (!line.contains("i8042")) {
                continue;
            }
            String[] fields = line.trim().split("\\s+");
            for (int i = 1; i < fields.length && fields[i].chars().allMatch(Character::isDigit); i++) {
                sum += Long.parseLong(fields[i]);
            }
        }
        return sum;
    }

    /** The latest access or change time, in ms, of the input devices under {@code dir}; 0 without any. */
    static long deviceTimes(Path dir) {
        long latest = 0;
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(dir,
                entry -> entry.getFileName().toString().startsWith("event")
                        || entry.getFileName().toString().equals("mice"))) {
            for (Path device : devices) {
                BasicFileAttributes times = Files.readAttributes(device, BasicFileAttributes.class);
                latest = Math.max(latest, Math.max(times.lastAccessTime().toMillis(),
                        times.lastModifiedTime().toMillis()));
            }
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            return latest;
        }
        return latest;
    }
}
