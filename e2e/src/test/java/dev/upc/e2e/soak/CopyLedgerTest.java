package dev.upc.e2e.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CopyLedgerTest {

    private final CopyLedger ledger = new CopyLedger();

    @Test
    void aMoveStopsTheSourceBeforeTheTargetRuns() {
        ledger.running("j1", "pc1/upc-j1-1");
        ledger.stopped("j1", "pc1/upc-j1-1");
        ledger.running("j1", "pc2/upc-j1-2");
        ledger.running("j2", "pc1/upc-j2-1");

        assertThat(ledger.doubles()).isEmpty();
    }

    @Test
    void aSecondLiveCopyIsADoubleEvenOnTheSamePc() {
        ledger.running("j1", "pc1/upc-j1-1");
        ledger.running("j1", "pc1/upc-j1-1"); // the same copy said twice: not a second one
        ledger.running("j1", "pc1/upc-j1-2");

        assertThat(ledger.doubles()).hasSize(1);
        assertThat(ledger.doubles().get(0)).startsWith("j1: ");
    }
}
