package dev.upc.scheduler.config;

import dev.upc.scheduler.policy.EarliestFinishPolicy;
import dev.upc.scheduler.policy.PlacementPolicy;
import dev.upc.scheduler.policy.PolicySettings;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The scheduler's one time source (tests replace it) and its placement policy. */
@ApplicationScoped
public class TimeBeans {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    PlacementPolicy policy(SchedulerConfig config) {
        SchedulerConfig.Policy p = config.policy();
        return new EarliestFinishPolicy(new PolicySettings(p.migrateForSpeed(), p.transferBytesPerSecond(),
                p.fixedMigrationSeconds(), p.startSeconds(), p.marginSeconds(), p.marginFraction(),
                p.minResidenceSeconds(), p.unknownWork()));
    }
}
