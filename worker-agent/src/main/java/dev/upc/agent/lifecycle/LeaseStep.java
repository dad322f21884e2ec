package dev.upc.agent.lifecycle;

/**
 * What the agent's periodic lease check does, decided from what it sees: the rule that keeps a PC cut off, or asleep,
 * from running a job that may run elsewhere meanwhile.
 */
enum LeaseStep {
    /** Hold every job until the scheduler says which are still this PC's. */
    HOLD,
    /** The jobs are held and the control plane hears from the PC: ask the scheduler which are still its own. */
    ASK,
    /** The jobs are held for a sleep that is announced and has not come yet: keep them so. */
    WAIT,
    /** Nothing to hold: free what is frozen with nothing holding it. */
    FREE_STRAYS;

    /**
     * @param lapsed       the lease lapsed, or a lapse went by unseen
     * @param woke         the PC woke from a sleep since the last check
     * @param held         every job is held already for a lapse or a sleep, and the scheduler was not asked since
     * @param sleepPending the PC said it is about to sleep and has not slept yet
     */
    static LeaseStep of(boolean lapsed, boolean woke, boolean held, boolean sleepPending) {
        if (lapsed || woke || (sleepPending && !held)) {
            return HOLD;
        }
        if (held) {
            return sleepPending ? WAIT : ASK;
        }
        return FREE_STRAYS;
    }
}
