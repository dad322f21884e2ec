package dev.upc.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
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
 * Body of {@code POST /api/v1/jobs}, and the job's spec as the scheduler keeps it and sends it to agents in RUN and
 * RESTORE commands.
 *
 * @param name                      for humans; letters, digits and ._- (at most 63)
 * @param image                     an OCI image reference ({@code [host[:port]/]path[:tag][@sha256:digest]})
 * @param command                   the argv of the job's process, 1 to 256 arguments
 * @param env                       extra environment variables
 * @param cpus                      cores the job uses, 1..64
 * @param memoryMiB                 its memory limit, 16..1048576 MiB
 * @param workEstimate              optional: reference-CPU seconds the job needs; unknown when absent
 * @param checkpointIntervalSeconds periodic checkpoints every this many seconds (30..86400), 0 or absent = none
 * @param migratable                whether the job may be checkpointed and moved; absent = true
 * @param maxRetries                how often the job is restarted after a lost PC or a failed exit, 0..20; absent = 3
 * @param outputPath                optional absolute path inside the container whose content is the job's output
 * @param inputs                    files copied into the container before it starts (at most 32), uploaded first
 * @param diskMiB                   the most it may write to its own file system, 1..16777216 MiB (HTCondor's
 *                                  {@code request_disk}); absent = {@value #DEFAULT_DISK_MIB}. Placed only on PCs lending a
 *                                  job that much; stopped by the PC's agent when it writes more
 */
public record JobSubmission(
        @NotBlank @Size(max = 63) @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]*", message = "letters, digits and ._- only, starting with a letter or digit")
        String name,
        @NotBlank @Size(max = 255) @Pattern(regexp = IMAGE_REFERENCE, message = "must be an OCI image reference, e.g. localhost/upc/count:1")
        String image,
        @NotNull @Size(min = 1, max = 256) List<@NotNull @Size(max = 4096) String> command,
        @Size(max = 128) Map<
                @NotBlank @Size(max = 128) @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]*", message = "letters, digits and _ only, not starting with a digit") String,
                @NotNull @Size(max = 4096) String> env,
        @NotNull @Min(1) @Max(64) Integer cpus,
        @NotNull @Min(16) @Max(1048576) Long memoryMiB,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("1e9") Double workEstimate,
        @Min(0) @Max(86400) Long checkpointIntervalSeconds,
        Boolean migratable,
        @Min(0) @Max(20) Integer maxRetries,
        @Size(max = 1024) @Pattern(regexp = "/[^\\x00]*", message = "must be an absolute path") String outputPath,
        @Size(max = 32) List<@Valid @NotNull JobInput> inputs,
        @Min(1) @Max(16777216) Long diskMiB) {

    /** {@code [host[:port]/]component(/component)*[:tag][@sha256:hex]}, lowercase path components as in OCI. */
    public static final String IMAGE_REFERENCE = "(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?/)?"
            + "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
            + "(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(?:@sha256:[a-f0-9]{64})?";
    public static final int DEFAULT_MAX_RETRIES = 3;
    public static final long DEFAULT_DISK_MIB = 1024;

    /** A submission with the default disk allowance. */
    public JobSubmission(String name, String image, List<String> command, Map<String, String> env, Integer cpus,
                         Long memoryMiB, Double workEstimate, Long checkpointIntervalSeconds, Boolean migratable,
                         Integer maxRetries, String outputPath, List<JobInput> inputs) {
        this(name, image, command, env, cpus, memoryMiB, workEstimate, checkpointIntervalSeconds, migratable,
                maxRetries, outputPath, inputs, null);
    }

    public JobSubmission {
        command = command == null ? null : List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        checkpointIntervalSeconds = checkpointIntervalSeconds == null ? 0L : checkpointIntervalSeconds;
        migratable = migratable == null || migratable;
        maxRetries = maxRetries == null ? DEFAULT_MAX_RETRIES : maxRetries;
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        diskMiB = diskMiB == null ? DEFAULT_DISK_MIB : diskMiB;
    }

    /** The same submission with other inputs (the scheduler names their blobs). */
    public JobSubmission withInputs(List<JobInput> newInputs) {
        return new JobSubmission(name, image, command, env, cpus, memoryMiB, workEstimate, checkpointIntervalSeconds,
                migratable, maxRetries, outputPath, newInputs, diskMiB);
    }

    /** Checkpoints more often than every 30 s would spend the job's time on checkpointing. */
    @JsonIgnore
    @AssertTrue(message = "checkpointIntervalSeconds must be 0 (none) or between 30 and 86400")
    public boolean isCheckpointIntervalValid() {
        return checkpointIntervalSeconds == null || checkpointIntervalSeconds == 0 || checkpointIntervalSeconds >= 30;
    }
}
