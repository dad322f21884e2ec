package dev.upc.agent.owner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.protocol.OwnerState;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Lending hours in the PC's time zone: nights across midnight, weekends, and clear errors. */
class LendingHoursTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Madrid");

    /** 2026-12-07 is a Monday. */
    private static boolean lending(String rules, String localDateTime) {
        Clock clock = Clock.fixed(LocalDateTime.parse(localDateTime).atZone(ZONE).toInstant(), ZONE);
        return LendingHours.parse(rules, clock).lending();
    }

    @Test
    void nightsAndWeekends() {
        String rules = "mon-fri 18:00-08:00, sat-sun";

        assertThat(lending(rules, "2026-12-07T12:00")).as("Monday noon: the owner works").isFalse();
        assertThat(lending(rules, "2026-12-07T18:00")).as("Monday 18:00").isTrue();
        assertThat(lending(rules, "2026-12-08T07:59")).as("Tuesday early: Monday's night").isTrue();
        assertThat(lending(rules, "2026-12-08T08:00")).isFalse();
        assertThat(lending(rules, "2026-12-12T12:00")).as("Saturday").isTrue();
        assertThat(lending(rules, "2026-12-14T07:00")).as("Monday early: Sunday is whole, no Sunday night rule")
                .isFalse();
        assertThat(lending(rules, "2026-12-12T07:00")).as("Saturday early: Friday's night, and Saturday").isTrue();
    }

    @Test
    void aRangeWithinADayAndDaily() {
        assertThat(lending("daily 12:00-13:30", "2026-12-09T12:45")).isTrue();
        assertThat(lending("daily 12:00-13:30", "2026-12-09T13:30")).isFalse();
        assertThat(lending("wed 9:00-24:00", "2026-12-09T23:59")).isTrue();
        assertThat(lending("fri-mon", "2026-12-07T10:00")).as("a range of days across the week's end").isTrue();
        assertThat(lending("fri-mon", "2026-12-08T10:00")).isFalse();
    }

    @Test
    void outsideTheHoursTheOwnerCountsAsActive() {
        Clock monday = Clock.fixed(LocalDateTime.parse("2026-12-07T12:00").atZone(ZONE).toInstant(), ZONE);

        assertThat(LendingHours.parse("sat-sun", monday).sample()).isEqualTo(OwnerState.ACTIVE);
        assertThat(LendingHours.parse("mon", monday).sample()).isEqualTo(OwnerState.IDLE);
    }

    @Test
    void unreadableRulesAreRefusedWithWhatIsWrong() {
        Clock clock = Clock.systemUTC();
        assertThatThrownBy(() -> LendingHours.parse("weekdays", clock)).hasMessageContaining("'weekdays' is not a day");
        assertThatThrownBy(() -> LendingHours.parse("mon 25:00-08:00", clock)).hasMessageContaining("'25:00'");
        assertThatThrownBy(() -> LendingHours.parse("mon 8-9", clock)).hasMessageContaining("'8'");
        assertThatThrownBy(() -> LendingHours.parse("mon 08:00-08:00", clock)).hasMessageContaining("empty range");
        assertThatThrownBy(() -> LendingHours.parse(" , ", clock)).hasMessageContaining("no rule");
        assertThatThrownBy(() -> LendingHours.parse("mon 18:00 - 08:00", clock)).hasMessageContaining("is not DAYS");
    }
}
