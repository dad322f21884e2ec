package dev.upc.protocol;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/workers} (sent with the cluster join token): who the PC is and what it offers.
 * Re-sending it with the same machineId keeps the worker id and replaces the facts.
 *
 * @param machineId      stable identity of the PC (e.g. {@code /etc/machine-id}); the key of idempotency
 * @param hostname       for humans
 * @param agentVersion   version of the worker agent
 * @param cores          logical CPUs of the PC
 * @param memoryMiB      physical memory
 * @param jobCpus        CPUs the owner lends to jobs, at most {@code cores}
 * @param cpuModel       e.g. the {@code model name} of /proc/cpuinfo
 * @param cpuFlags       CPU feature flags; a checkpoint only restores where the flags are a superset
 * @param benchmarkScore single-core speed relative to the reference CPU (1.0 = reference)
 * @param podmanVersion  podman's version
 * @param criuVersion    CRIU's version; restore needs a CRIU at least as new as the dumping one
 * @param ociRuntime     e.g. {@code runc}; checkpoints move only between equal runtimes
 * @param cgroupVersion  1 or 2
 * @param arch           CPU architecture, e.g. {@code amd64}
 * @param labels         free-form placement labels (e.g. {@code room=lab-3}); the admin list filters by them
 * @param jobMemoryMiB   memory the owner lends to jobs; absent = three quarters of {@code memoryMiB}
 * @param jobDiskMiB     the most one job may write to its file system on this PC; 0 = no limit; absent = not told
 *                       (an older agent: no limit)
 */
public record WorkerRegistration(
        @NotBlank @Size(max = 128) @Pattern(regexp = "[A-Za-z0-9._:-]+", message = "letters, digits and ._:- only")
        String machineId,
        @NotBlank @Size(max = 253) String hostname,
        @NotBlank @Size(max = 64) String agentVersion,
        @NotNull @Min(1) @Max(4096) Integer cores,
        @NotNull @Min(1) @Max(1L << 32) Long memoryMiB,
        @NotNull @Min(0) @Max(4096) Integer jobCpus,
        @Size(max = 256) String cpuModel,
        @Size(max = 512) List<@NotBlank @Size(max = 64) String> cpuFlags,
        @NotNull @DecimalMin(value = "0", inclusive = false) @DecimalMax("1000000") Double benchmarkScore,
        @Size(max = 64) String podmanVersion,
        @Size(max = 64) String criuVersion,
        @Size(max = 64) String ociRuntime,
        @Min(1) @Max(2) Integer cgroupVersion,
        @Size(max = 32) String arch,
        @Size(max = 64) Map<
                @NotBlank @Size(max = 63) @Pattern(regexp = "[A-Za-z0-9._/-]+", message = "letters, digits and ._/- only") String,
                @NotNull @Size(max = 256) String> labels,
        @Min(1) @Max(1L << 32) Long jobMemoryMiB,
        @Min(0) @Max(1L << 32) Long jobDiskMiB) {

    /** A registration that does not tell the disk a job may use. */
    public WorkerRegistration(String machineId, String hostname, String agentVersion, Integer cores, Long memoryMiB,
                              Integer jobCpus, String cpuModel, List<String> cpuFlags, Double benchmarkScore,
                              String podmanVersion, String criuVersion, String ociRuntime, Integer cgroupVersion,
                              String arch, Map<String, String> labels, Long jobMemoryMiB) {
        this(machineId, hostname, agentVersion, cores, memoryMiB, jobCpus, cpuModel, cpuFlags, benchmarkScore,
                podmanVersion, criuVersion, ociRuntime, cgroupVersion, arch, labels, jobMemoryMiB, null);
    }

    public WorkerRegistration {
        cpuFlags = cpuFlags == null ? List.of() : List.copyOf(cpuFlags);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** The most one job may write to disk here: as registered, {@link Long#MAX_VALUE} for no limit or not told. */
    public long lentDiskMiB() {
        return jobDiskMiB == null || jobDiskMiB == 0 ? Long.MAX_VALUE : jobDiskMiB;
    }

    /** Memory lent to jobs: as registered, else three quarters of the PC's. */
    public long lentMemoryMiB() {
        return jobMemoryMiB != null ? Math.min(jobMemoryMiB, memoryMiB) : memoryMiB * 3 / 4;
    }
}
