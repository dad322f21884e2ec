package dev.upc.protocol;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Body of {@code PUT /api/v1/workers/{workerId}/heartbeat}: the worker's state now. The registry keeps only
 * the latest one.
 *
 * @param ownerState        whether the PC's owner is using it
 * @param drainAcknowledged true once the agent has seen a DRAIN and stopped taking jobs; absent means false
 * @param freeCpus          CPUs of the lent share not used by jobs
 * @param freeMemoryMiB     memory available to new jobs
 * @param load              the 1-minute load average of the PC
 * @param containers        the job containers the agent manages
 */
public record Heartbeat(
        @NotNull OwnerState ownerState,
        Boolean drainAcknowledged,
        @NotNull @DecimalMin("0") @DecimalMax("4096") Double freeCpus,
        @NotNull @Min(0) @Max(1L << 32) Long freeMemoryMiB,
        @NotNull @DecimalMin("0") @DecimalMax("1000000") Double load,
        @Size(max = 256) List<@NotNull @Valid ContainerReport> containers) {

    public Heartbeat {
        drainAcknowledged = Boolean.TRUE.equals(drainAcknowledged);
        containers = containers == null ? List.of() : List.copyOf(containers);
    }
}
