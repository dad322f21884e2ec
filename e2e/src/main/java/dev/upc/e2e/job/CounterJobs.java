package dev.upc.e2e.job;

import dev.upc.agent.libpod.ContainerSpec;
import dev.upc.agent.libpod.LibpodClient;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/** Starting counter jobs on a PC and watching what they print, for tests, the demo and the benches. */
public final class CounterJobs {

    private CounterJobs() {
    }

    /** Creates and starts a counter job and waits until its output satisfies {@code ready}. */
    public static CounterOutput start(LibpodClient pc, String name, int memMiB, int intervalMs,
                                      Predicate<CounterOutput> ready) {
        pc.create(ContainerSpec.of(name, CounterImage.REFERENCE, CounterImage.counter(memMiB, intervalMs))
                .withLabels(Map.of("upc.job", name)));
        pc.start(name);
        return await(pc, name, ready, Duration.ofSeconds(60));
    }

    /** Polls the job's log until {@code ready} holds; fails with the output so far after {@code timeout}. */
    public static CounterOutput await(LibpodClient pc, String name, Predicate<CounterOutput> ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            CounterOutput output = CounterOutput.of(pc.logs(name, -1));
            if (ready.test(output)) {
                return output;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not get there in " + timeout.toSeconds()
                        + " s; output so far: " + output);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while watching " + name, e);
            }
        }
    }

    /**
     * Watches a restored job print {@code newTicks} more ticks and judges them against what the job
     * printed before its checkpoint. The restored container's log starts with the source's lines
     * (the log travels in the archive); only the lines after those were printed on the target.
     */
    public static Continuation continuation(CounterOutput before, LibpodClient target, String restored, int newTicks) {
        return continuation(before, target, restored, carriedTicks(target, restored), newTicks);
    }

    /** How many ticks the restored job's log holds from before its checkpoint; call right after the restore. */
    public static int carriedTicks(LibpodClient target, String restored) {
        return CounterOutput.of(target.logs(restored, -1)).ticks().size();
    }

    /** As above, with the count of carried ticks taken earlier by {@link #carriedTicks}. */
    public static Continuation continuation(CounterOutput before, LibpodClient target, String restored, int carried,
                                            int newTicks) {
        CounterOutput after = await(target, restored, out -> out.ticks().size() >= carried + newTicks,
                Duration.ofSeconds(60));
        long firstNew = after.ticksAfter(carried).get(0);
        return new Continuation(before.lastTick(), firstNew, after);
    }

    /**
     * @param lastTickBefore the last tick seen on the source before the checkpoint
     * @param firstTickAfter the first tick printed on the target
     * @param after          everything the job printed, source and target
     */
    public record Continuation(long lastTickBefore, long firstTickAfter, CounterOutput after) {

        /** The job went on from where it stopped: no restart, no gap in its count, memory intact. */
        public boolean continued() {
            return firstTickAfter > lastTickBefore && after.starts() == 1 && after.consecutive()
                    && after.memoryFailures() == 0;
        }
    }
}
