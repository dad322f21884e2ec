package dev.upc.scheduler.policy;

/** A scheduling policy: a pure function from a snapshot of the cluster to decisions. */
public interface PlacementPolicy {

    String name();

    Decisions decide(ClusterSnapshot snapshot);
}
