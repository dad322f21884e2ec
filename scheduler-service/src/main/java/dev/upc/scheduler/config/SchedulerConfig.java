package dev.upc.scheduler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "upc.scheduler")
public interface SchedulerConfig {

    /** How often the planner runs (it also runs soon after events that free or need a worker). */
    @WithDefault("2s")
    Duration planInterval();

    /**
     * When most PCs went silent at once ({@code MassLoss}), the jobs of one lost PC are given away per this interval,
     * not all at once.
     */
    @WithDefault("30s")
    Duration massLossInterval();

    /**
     * A running job whose container its PC's heartbeats have all left out for this long, the PC online meanwhile, is
     * given up there and recovered from its checkpoint ({@code VanishedCopies}).
     */
    @WithDefault("30s")
    Duration vanishedAfter();

    /** Whether this instance competes for the planner lock and plans; tests drive the planner themselves. */
    @WithDefault("true")
    boolean plannerEnabled();

    /** Lifetime of the store capability tokens in CHECKPOINT and RESTORE commands (minted fresh per delivery). */
    @WithDefault("15m")
    Duration capabilityTtl();

    /** Upper bound of a long poll's waitSeconds. */
    @WithDefault("60s")
    Duration maxWait();

    /** Key of the PostgreSQL advisory lock that elects the planning replica. */
    @WithDefault("7305053")
    long plannerLockKey();

    /**
     * The checkpoint store's base URL ({@code http://store:8080}). When set, the scheduler deletes checkpoints that a
     * newer one or the job's end made useless; when unset, only the store's own retention removes them.
     */
    Optional<String> storeUrl();

    /**
     * Whether agents pull job images from registries: then a job's image need not be in the store at submission.
     * Off by default (no registry reachable; images travel through the store).
     */
    @WithDefault("false")
    boolean imagesFromRegistries();

    Policy policy();

    Registry registry();

    Logs logs();

    Users users();

    /** What one user may have the scheduler hold (admins are not limited). */
    interface Users {
        /** Submissions a minute, and the burst that may come at once; 0 for no limit. Per scheduler replica. */
        @WithDefault("300")
        int submissionsPerMinute();

        /** Jobs of one user not yet finished (queued, running, migrating); 0 for no limit. */
        @WithDefault("1000")
        int maxUnfinishedJobs();
    }

    /** Jobs' logs, shipped by agents while the jobs run. */
    interface Logs {
        /** Bytes of log kept per placement (epoch) of a job; later lines are dropped with a note. */
        @WithDefault("8388608")
        long maxBytesPerPlacement();
    }

    /** Addresses of the other services as clients reach them (behind an ingress they may differ from ours). */
    @WithName("public")
    PublicUrls publicUrls();

    interface PublicUrls {
        /** The registry for clients; default the scheduler's own registry URL. */
        Optional<String> registry();

        /** The store for clients; default {@code upc.scheduler.store-url}. */
        Optional<String> store();
    }

    /** The policy's knobs (see PolicySettings). */
    interface Policy {
        @WithDefault("true")
        boolean migrateForSpeed();

        @WithDefault("130e6")
        double transferBytesPerSecond();

        @WithDefault("1.0")
        double fixedMigrationSeconds();

        @WithDefault("1.0")
        double startSeconds();

        @WithDefault("30")
        double marginSeconds();

        @WithDefault("0.10")
        double marginFraction();

        @WithDefault("60")
        double minResidenceSeconds();

        @WithDefault("600")
        double unknownWork();

        /** Seconds a job suspended for its PC's owner waits there before it is taken off (HTCondor: 10 min). */
        @WithDefault("600")
        double maxSuspendSeconds();
    }

    interface Registry {
        /**
         * A token for GET /api/v1/workers and the revocations (an admin's will do); if empty, the scheduler mints
         * short-lived service tokens itself with the cluster key (smallrye.jwt.sign.key.location), which may list
         * those and nothing else.
         */
        Optional<String> adminToken();

        /**
         * How often the planner reads every worker from the registry (the reconciliation); in between it plans with
         * the last read and the agents' direct reports. 0 reads every round.
         */
        @WithDefault("10s")
        Duration reconcileInterval();

        /** Whether readiness includes "the registry answers". */
        @WithName("health-enabled")
        @WithDefault("true")
        boolean healthEnabled();

        /**
         * How long one answer of "the registry answers" stands: probes from kubelets, load balancers and monitoring
         * within it cost the registry nothing.
         */
        @WithName("health-cache")
        @WithDefault("10s")
        java.time.Duration healthCache();
    }
}
