package dev.upc.agent.owner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CpuCapTest {

    @Test
    void theOwnersSavedChoiceOverridesTheConfiguredPercent() {
        CpuCap cap = new CpuCap(100, 40, p -> { });

        assertThat(cap.percent()).isEqualTo(40);
        assertThat(cap.share()).isEqualTo(0.4);
        assertThat(cap.configured()).isEqualTo(100);
        assertThat(cap.chosen()).contains(40);
    }

    @Test
    void aChoiceIsSavedBeforeListenersHearOfIt() {
        List<String> seen = new ArrayList<>();
        CpuCap cap = new CpuCap(100, null, p -> seen.add("saved " + p));
        cap.addListener(p -> seen.add("told " + p));

        cap.choose(25);
        cap.choose(null);
        cap.choose(100); // the configured percent, chosen: nothing in force changes

        assertThat(seen).containsExactly("saved 25", "told 25", "saved null", "told 100", "saved 100");
        assertThat(cap.chosen()).contains(100);
    }

    @Test
    void aFailedSaveChangesNothing() {
        CpuCap cap = new CpuCap(70, null, p -> {
            throw new IllegalStateException("disk full");
        });

        assertThatThrownBy(() -> cap.choose(10)).hasMessage("disk full");

        assertThat(cap.percent()).isEqualTo(70);
        assertThat(cap.chosen()).isEmpty();
    }

    @Test
    void parsesPercentsAndDefaultAndRefusesTheRest() {
        assertThat(CpuCap.parse("50")).contains(50);
        assertThat(CpuCap.parse(" 50% ")).contains(50);
        assertThat(CpuCap.parse("100")).contains(100);
        assertThat(CpuCap.parse("Default")).isEqualTo(Optional.empty());
        for (String bad : new String[] {"0", "101", "-1", "0.5", "half", "", "%", "1e2"}) {
            assertThatThrownBy(() -> CpuCap.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1 to 100");
        }
        assertThatThrownBy(() -> new CpuCap(0, null, p -> { })).isInstanceOf(IllegalArgumentException.class);
    }
}
