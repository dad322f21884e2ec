package dev.upc.protocol;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * One job container a worker runs, as reported in a heartbeat.
 *
 * @param jobId      the job
 * @param epoch      the placement epoch from the container's name; a stale epoch is killed by the scheduler
 * @param state      the container state as libpod reports it (running, paused, exited, …)
 * @param cpuSeconds CPU time the container consumed so far
 * @param rssMiB     resident memory now
 * @param cpuLimit   the cores' worth of CPU time per second the container may use (its quota); absent from agents
 *                   older than 0.1 — the scheduler compares it with the CPU time really used to rate the PC
 */
public record ContainerReport(
        @NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "letters, digits and ._- only") String jobId,
        @NotNull @Min(0) Long epoch,
        @NotBlank @Size(max = 32) String state,
        @NotNull @DecimalMin("0") @DecimalMax("1e12") Double cpuSeconds,
        @NotNull @Min(0) @Max(1L << 32) Long rssMiB,
        @DecimalMin("0") @DecimalMax("4096") Double cpuLimit) {

    /** A report without the container's quota (as older agents send it). */
    public ContainerReport(String jobId, Long epoch, String state, Double cpuSeconds, Long rssMiB) {
        this(jobId, epoch, state, cpuSeconds, rssMiB, null);
    }
}
