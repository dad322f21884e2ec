package dev.upc.scheduler.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.WorkerInfo;
import dev.upc.scheduler.client.WorkerDirectory;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The full registry read happens once per reconcile interval, or when an unknown agent reports. */
class RegistryReadsTest {

    private final AtomicInteger reads = new AtomicInteger();
    private final List<WorkerInfo> registry = new ArrayList<>();
    private final WorkerDirectory directory = new WorkerDirectory() {
        @Override
        public Uni<List<WorkerInfo>> workers() {
            reads.incrementAndGet();
            return Uni.createFrom().item(List.copyOf(registry));
        }

        @Override
        public Uni<Void> reachable() {
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<List<dev.upc.protocol.WorkerRevocation>> revocations() {
            return Uni.createFrom().item(List.of());
        }
    };
    private final AtomicLong now = new AtomicLong();

    private List<WorkerInfo> workers(RegistryReads reads, Set<String> reporting) {
        return reads.workers(reporting).await().indefinitely();
    }

    private static WorkerInfo worker(String id) {
        return new WorkerInfo(id, null, null, null, null, null, null);
    }

    @Test
    void readsOncePerIntervalAndAgainWhenAnUnknownAgentReports() {
        RegistryReads cached = new RegistryReads(directory, Duration.ofSeconds(10), now::get);
        registry.add(worker("a"));

        assertThat(workers(cached, Set.of())).extracting(WorkerInfo::workerId).containsExactly("a");
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        registry.add(worker("b"));
        assertThat(workers(cached, Set.of("a"))).as("fresh, and knows every reporting agent").hasSize(1);
        assertThat(reads).hasValue(1);

        assertThat(workers(cached, Set.of("a", "b"))).as("b reported: a PC that just joined").hasSize(2);
        assertThat(reads).hasValue(2);

        now.addAndGet(Duration.ofSeconds(10).toNanos());
        workers(cached, Set.of("a", "b"));
        assertThat(reads).as("the interval is over: reconcile").hasValue(3);
    }

    @Test
    void anAgentTheRegistryDoesNotListCausesOneReadNotOneARound() {
        RegistryReads cached = new RegistryReads(directory, Duration.ofSeconds(10), now::get);
        registry.add(worker("a"));
        workers(cached, Set.of("a"));

        workers(cached, Set.of("a", "deleted"));
        workers(cached, Set.of("a", "deleted"));

        assertThat(reads).as("one read to look for it, then the interval again").hasValue(2);
    }

    @Test
    void zeroReadsEveryRound() {
        RegistryReads always = new RegistryReads(directory, Duration.ZERO, now::get);

        workers(always, Set.of());
        workers(always, Set.of());

        assertThat(reads).hasValue(2);
    }
}
