package dev.upc.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Relative times, sizes and CPU times as a human reads them. */
class UnitsTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    @Test
    void relativeTimesShowTheLargestWholeUnit() {
        assertThat(RelativeTime.of(Duration.ofSeconds(12))).isEqualTo("12s");
        assertThat(RelativeTime.of(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(RelativeTime.of(Duration.ofSeconds(60 * 3 + 59))).isEqualTo("3m");
        assertThat(RelativeTime.of(Duration.ofMinutes(150))).isEqualTo("2h");
        assertThat(RelativeTime.of(Duration.ofHours(100))).isEqualTo("4d");
        assertThat(RelativeTime.of(Duration.ofSeconds(-5))).as("clock skew").isEqualTo("0s");
        assertThat(RelativeTime.ago(NOW.minusSeconds(180), NOW)).isEqualTo("3m");
        assertThat(RelativeTime.ago(null, NOW)).isEqualTo("—");
        assertThat(RelativeTime.until(NOW.plus(Duration.ofDays(29)), NOW)).isEqualTo("in 29d");
        assertThat(RelativeTime.until(NOW.minus(Duration.ofHours(3)), NOW)).isEqualTo("expired 3h ago");
    }

    @Test
    void sizesUseBinaryUnitsWithAtMostThreeDigits() {
        assertThat(Sizes.bytes(0)).isEqualTo("0 B");
        assertThat(Sizes.bytes(1023)).isEqualTo("1023 B");
        assertThat(Sizes.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Sizes.bytes(120L << 20)).isEqualTo("120 MiB");
        assertThat(Sizes.bytes((long) (3.25 * (1L << 30)))).isEqualTo("3.3 GiB");
        assertThat(Sizes.mebibytes(512)).isEqualTo("512 MiB");
        assertThat(Sizes.mebibytes(2048)).isEqualTo("2.0 GiB");
    }

    @Test
    void cpuTimeKeepsTwoUnits() {
        assertThat(CpuTime.of(null)).isEqualTo("—");
        assertThat(CpuTime.of(41.6)).isEqualTo("42s");
        assertThat(CpuTime.of(185.0)).isEqualTo("3m05s");
        assertThat(CpuTime.of(7500.0)).isEqualTo("2h05m");
        assertThat(CpuTime.of(3 * 86_400.0 + 4 * 3600)).isEqualTo("3d04h");
    }

    @Test
    void millisecondsReadAsTheyMatter() {
        assertThat(EventText.millis(850)).isEqualTo("850 ms");
        assertThat(EventText.millis(2300)).isEqualTo("2.3 s");
        assertThat(EventText.millis(65_000)).isEqualTo("1m05s");
    }
}
