package dev.upc.agent.owner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.OwnerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keyboard and mouse activity through a fake event source, and the two real sources' parsing. */
class InputDetectorTest {

    private final AtomicLong events = new AtomicLong();
    private final AtomicLong clock = new AtomicLong();
    private final InputDetector detector = new InputDetector(events::get, Duration.ofSeconds(60), clock::get);

    private OwnerState at(long seconds) {
        clock.set(Duration.ofSeconds(seconds).toNanos());
        return detector.sample();
    }

    @Test
    void inputMakesTheOwnerActiveForAWhile() {
        assertThat(at(0)).as("the first sample is the baseline").isEqualTo(OwnerState.IDLE);
        assertThat(at(1)).isEqualTo(OwnerState.IDLE);

        events.incrementAndGet(); // a key
        assertThat(at(2)).isEqualTo(OwnerState.ACTIVE);
        assertThat(at(61)).as("reading, 59 s after the key").isEqualTo(OwnerState.ACTIVE);
        assertThat(at(62)).isEqualTo(OwnerState.IDLE);

        events.addAndGet(3);
        assertThat(at(63)).isEqualTo(OwnerState.ACTIVE);
    }

    @Test
    void inputBeforeTheFirstSampleIsNotSeen() {
        events.set(12345);
        assertThat(at(0)).isEqualTo(OwnerState.IDLE);
        assertThat(at(1)).isEqualTo(OwnerState.IDLE);
    }

    @Test
    void countsOnlyThePs2ControllersInterrupts() {
        String text = """
                           CPU0       CPU1
                  1:         93        120   IO-APIC   1-edge      i8042
                 12:       4000          6   IO-APIC  12-edge      i8042
                 26:          0          1   IO-APIC   4-edge      ttyS0
                NMI:          0          0   Non-maskable interrupts
                """;

        assertThat(InputDetector.i8042Interrupts(text)).isEqualTo(93 + 120 + 4000 + 6);
        assertThat(InputDetector.i8042Interrupts(" 26: 0 1 IO-APIC 4-edge ttyS0\n")).isZero();
    }

    @Test
    void theLatestTimeOfTheInputDevicesAndNothingElse(@TempDir Path dir) throws IOException {
        assertThat(InputDetector.deviceTimes(dir.resolve("none"))).isZero();
        Path event0 = Files.createFile(dir.resolve("event0"));
        Path mice = Files.createFile(dir.resolve("mice"));
        Path other = Files.createFile(dir.resolve("js0"));
        for (Path p : new Path[] {event0, mice, other}) {
            Files.setLastModifiedTime(p, FileTime.fromMillis(1_000));
            Files.setAttribute(p, "lastAccessTime", FileTime.fromMillis(1_000));
        }
        Files.setAttribute(mice, "lastAccessTime", FileTime.fromMillis(5_000));
        Files.setLastModifiedTime(other, FileTime.fromMillis(9_000));

        assertThat(InputDetector.deviceTimes(dir)).isEqualTo(5_000);
    }
}
