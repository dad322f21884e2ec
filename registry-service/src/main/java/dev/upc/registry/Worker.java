package dev.upc.registry;

import dev.upc.protocol.DesiredState;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.OwnerState;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A registered PC: the facts of its latest registration, its last heartbeat and what the admin wants of it.
 * Liveness is not stored: it is computed from {@link #lastSeen} whenever it is read.
 */
@Entity
@Table(name = "workers")
public class Worker extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "machine_id", nullable = false, unique = true)
    public String machineId;

    @Column(nullable = false)
    public String hostname;

    @Column(name = "agent_version", nullable = false)
    public String agentVersion;

    @Column(nullable = false)
    public int cores;

    @Column(name = "memory_mib", nullable = false)
    public long memoryMiB;

    @Column(name = "job_cpus", nullable = false)
    public int jobCpus;

    /** Memory the PC lends jobs; null: three quarters of {@link #memoryMiB}. */
    @Column(name = "job_memory_mib")
    public Long jobMemoryMiB;

    /** The most one job may write to disk on the PC; null: not told; 0: no limit. */
    @Column(name = "job_disk_mib")
    public Long jobDiskMiB;

    @Column(name = "cpu_model")
    public String cpuModel;

    /** Space separated, as in /proc/cpuinfo. */
    @Column(name = "cpu_flags", nullable = false)
    public String cpuFlags;

    @Column(name = "benchmark_score", nullable = false)
    public double benchmarkScore;

    @Column(name = "podman_version")
    public String podmanVersion;

    @Column(name = "criu_version")
    public String criuVersion;

    @Column(name = "oci_runtime")
    public String ociRuntime;

    @Column(name = "cgroup_version")
    public Integer cgroupVersion;

    public String arch;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, String> labels;

    @Column(name = "registered_at", nullable = false)
    public Instant registeredAt;

    @Column(name = "last_seen", nullable = false)
    public Instant lastSeen;

    /** The latest heartbeat; null until the first one. Written by the heartbeat UPDATE, not through the entity. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "latest_report", columnDefinition = "jsonb", insertable = false, updatable = false)
    public Heartbeat latestReport;

    @Enumerated(EnumType.STRING)
    @Column(name = "desired_state", nullable = false)
    public DesiredState desiredState;

    @Enumerated(EnumType.STRING)
    @Column(name = "owner_state")
    public OwnerState ownerState;

    @Column(name = "heartbeat_count", nullable = false)
    public long heartbeatCount;

    /** False while a PC enrolled under {@code upc.registry.approve-new-workers} waits for an admin (drained). */
    @Column(name = "approved", nullable = false)
    public boolean approved = true;

    /** SHA-256 of the worker's own credential; null for a worker enrolled before credentials (its next one claims). */
    @Column(name = "credential_sha256")
    public byte[] credentialSha256;
}
