package dev.upc.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void columnsAreAlignedThreeSpacesApartWithoutTrailingBlanks() {
        Table table = Table.withColumns("ID", "NAME", "CPU").alignRight("CPU")
                .row("j1", "count", "42s")
                .row("j10", "a-long-name", "1h05m")
                .row("j2", "—", "—");
        assertThat(table.lines()).containsExactly(
                "ID    NAME            CPU",
                "j1    count           42s",
                "j10   a-long-name   1h05m",
                "j2    —                 —");
    }

    @Test
    void notesGoUnderTheirRowAndDoNotWidenColumns() {
        Table table = Table.withColumns("ID", "STATE")
                .row("j1", "QUEUED")
                .note("waiting: no online PC has 4 free cores");
        assertThat(table.lines()).containsExactly(
                "ID   STATE",
                "j1   QUEUED",
                "  ↳ waiting: no online PC has 4 free cores");
    }

    @Test
    void anEmptyLastCellLeavesNoBlanks() {
        assertThat(Table.withColumns("A", "B").row("x", "").lines()).containsExactly("A   B", "x");
    }
}
