package dev.upc.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A worker an admin removed or revoked: its tokens are refused everywhere; a banned machine may not enrol. */
@Entity
@Table(name = "worker_revocations")
public class Revocation extends PanacheEntityBase {

    @Id
    @Column(name = "worker_id")
    public String workerId;

    @Column(name = "machine_id", nullable = false)
    public String machineId;

    @Column(name = "revoked_at", nullable = false)
    public Instant revokedAt;

    @Column(nullable = false)
    public boolean banned;
}
