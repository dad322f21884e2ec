package dev.upc.scheduler.config;

import dev.upc.scheduler.policy.EarliestFinishPolicy;
import dev.upc.scheduler.policy.PlacementPolicy;
import dev.upc.scheduler.policy.PolicySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The scheduler's placement policy and its settings, from upc.scheduler.policy. */
@ApplicationScoped
public class PolicyProducer {

    @Produces
    @Singleton
    PolicySettings settings(SchedulerConfig config) {
        SchedulerConfig.Policy p = config.policy();
        return new PolicySettings(p.migrateForSpeed(), p.transferBytesPerSecond(), p.fixedMigrationSeconds(),
                p.startSeconds(), p.marginSeconds(), p.marginFraction(), p.minResidenceSeconds(), p.unknownWork(),
                p.maxSuspendSeconds());
    }

    @Produces
    @Singleton
    PlacementPolicy policy(PolicySettings settings) {
        return new EarliestFinishPolicy(settings);
    }
}
