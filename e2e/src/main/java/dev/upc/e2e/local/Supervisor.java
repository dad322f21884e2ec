package dev.upc.e2e.local;

import dev.upc.e2e.cluster.ServiceCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The process {@code ./upc up} leaves running in its own session: it starts a {@link LocalCluster}, records it in
 * {@link ClusterState}, and on SIGTERM ({@code ./upc down}) stops it in order — agents, PCs, control plane — and
 * removes the record. Everything it started is its child, so nothing outlives it unnoticed; what a crash of the
 * supervisor itself leaves behind, {@link Leftovers} finds through the record.
 */
public final class Supervisor {

    private static final Duration STOP_LIMIT = Duration.ofMinutes(2);

    private Supervisor() {
    }

    public static int run(Path dir, int pcs) {
        long t0 = System.nanoTime();
        ClusterState.Proc me = ClusterState.Proc.of(ProcessHandle.current());
        ClusterState starting = new ClusterState(ClusterState.FORMAT_VERSION, ClusterState.Phase.STARTING,
                "starting " + pcs + " PCs", me, List.of(), null, List.of(), null, null, Instant.now(), null);
        starting.write(dir);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "upc-supervisor-stop"));
        LocalCluster cluster;
        try {
            // A fresh cluster each time: the previous one's logs and blobs were kept until now for a look.
            dev.upc.e2e.WorkDirectory.delete(dir.resolve("cluster"));
            cluster = LocalCluster.start(new LocalCluster.Spec(dir, LocalCluster.pcs(pcs), Map.of(), null, false),
                    Supervisor::say);
        } catch (java.io.IOException | RuntimeException e) {
            starting.with(ClusterState.Phase.FAILED, e.getMessage()).write(dir);
            say("the local cluster did not start: " + e.getMessage());
            stopped.countDown();
            return 1;
        }
        ClusterState ready = snapshot(cluster, me, starting.startedAt()).with(ClusterState.Phase.READY, "ready");
        ready.write(dir);
        say(String.format(Locale.ROOT, "ready in %.1f s", (System.nanoTime() - t0) / 1e9));
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ready.with(ClusterState.Phase.STOPPING, "stopping").write(dir);
        say("stopping: agents, PCs, then the control plane");
        cluster.close();
        ClusterState.remove(dir);
        say("stopped");
        stopped.countDown();
        return 0;
    }

    static ClusterState snapshot(LocalCluster cluster, ClusterState.Proc me, Instant startedAt) {
        ServiceCluster services = cluster.services();
        List<ClusterState.Service> serviceStates = new ArrayList<>();
        for (ServiceCluster.Service service : ServiceCluster.Service.values()) {
            serviceStates.add(new ClusterState.Service(service.shortName(), services.url(service).toString(),
                    services.process(service).map(ClusterState.Proc::of).orElse(null),
                    services.logFile(service).toString()));
        }
        List<ClusterState.Pc> pcs = new ArrayList<>();
        for (LocalCluster.RunningPc pc : cluster.pcs().values()) {
            pcs.add(new ClusterState.Pc(pc.spec().name(), pc.spec().cpuPercent(), pc.workerId(),
                    ClusterState.Proc.of(pc.pc().process()), pc.agent().handle().map(ClusterState.Proc::of).orElse(null),
                    "http://127.0.0.1:" + pc.agent().localPort(), pc.agent().log().toString(),
                    pc.pc().home().toString(), pc.pc().fastDir().toString()));
        }
        Path postgres = services.postgresDirectory();
        return new ClusterState(ClusterState.FORMAT_VERSION, ClusterState.Phase.STARTING, null, me, serviceStates,
                postgres == null ? null : postgres.toString(), pcs, cluster.adminTokenFile().toString(),
                cluster.joinTokenFile().toString(), startedAt, null);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
