package dev.upc.protocol;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/**
 * Body of {@code PUT /api/v1/agents/{workerId}/owner}: the PC's owner came back or left, told by its agent straight to
 * the scheduler the moment it happens, with the jobs the agent holds suspended because of it. The agent sends the
 * whole state (not a change) at its start and after every change, one report at a time; the scheduler keeps the one
 * with the latest {@code changedAt}, so a report delayed in the network cannot undo a newer one.
 *
 * @param ownerState whether the owner uses the PC now
 * @param changedAt  when the agent saw the owner's state change (its clock)
 * @param suspended  the jobs' containers the agent holds at near-zero CPU; empty when the owner is idle
 * @param leaving    the PC is shutting down (the agent got SIGTERM): move its jobs away now, from a checkpoint taken
 *                   before it goes, as for a drained PC; absent = false
 */
public record OwnerReport(
        @NotNull OwnerState ownerState,
        @NotNull Instant changedAt,
        @Size(max = 256) List<@NotNull @Valid SuspendedJob> suspended,
        Boolean leaving) {

    public OwnerReport {
        suspended = suspended == null ? List.of() : List.copyOf(suspended);
        leaving = leaving != null && leaving;
    }

    /** A report of a PC that stays. */
    public OwnerReport(OwnerState ownerState, Instant changedAt, List<SuspendedJob> suspended) {
        this(ownerState, changedAt, suspended, false);
    }
}
