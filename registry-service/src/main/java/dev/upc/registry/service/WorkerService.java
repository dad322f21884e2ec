package dev.upc.registry.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerRegistered;
import dev.upc.protocol.WorkerRegistration;
import dev.upc.protocol.WorkerStatus;
import dev.upc.registry.Revocation;
import dev.upc.registry.Worker;
import dev.upc.registry.config.RegistryConfig;
import dev.upc.servicehttp.InvalidCursorException;
import dev.upc.servicehttp.Page;
import dev.upc.servicehttp.PageCursors;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Registration and the admin's view and verbs; heartbeats are {@link HeartbeatService}'s. */
@ApplicationScoped
public class WorkerService {

    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9._/-]{1,63}");
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final RegistryConfig config;
    private final Clock clock;
    private final Liveness liveness;
    private final OutageGrace grace;
    private final RegistryTokens tokens;
    private final ObjectMapper json;
    private final WorkerCredentials credentials;
    private final SecureRandom random = new SecureRandom();

    WorkerService(RegistryConfig config, Clock clock, Liveness liveness, RegistryTokens tokens, ObjectMapper json,
                  WorkerCredentials credentials, OutageGrace grace) {
        this.config = config;
        this.grace = grace;
        this.credentials = credentials;
        this.clock = clock;
        this.liveness = liveness;
        this.tokens = tokens;
        this.json = json;
    }

    /**
     * Enrols a PC, giving it a worker id, a token and its own credential; or refreshes the facts of a known one (same
     * id, fresh token, counts as a sign of life), which needs that worker's credential. A worker enrolled before
     * credentials existed gets one with its next registration — and, where new PCs wait for approval, waits for an
     * admin's approval again: whoever holds the join token and that machine id could be claiming it.
     *
     * @param credential the {@link dev.upc.protocol.ApiPaths#WORKER_CREDENTIAL_HEADER} header, or null
     * @throws MachineEnrolledException the machine is another worker's and {@code credential} is not its
     * @throws MachineBannedException   an admin revoked the machine
     */
    @WithTransaction
    public Uni<WorkerRegistered> register(WorkerRegistration registration, String credential) {
        if (registration.jobCpus() > registration.cores()) {
            return Uni.createFrom().failure(new InvalidRequestException("jobCpus",
                    "jobCpus (" + registration.jobCpus() + ") must not exceed cores (" + registration.cores() + ")"));
        }
        Instant now = clock.instant();
        String machineId = registration.machineId();
        return lockMachine(machineId)
                .chain(() -> Worker.find("machineId", machineId).<Worker>firstResult())
                .chain(existing -> {
                    if (existing != null) {
                        String issued = null;
                        if (existing.credentialSha256 == null) {
                            issued = credentials.mint(); // enrolled before credentials: this registration claims one
                            existing.credentialSha256 = WorkerCredentials.digest(issued);
                            if (config.approveNewWorkers()) {
                                existing.approved = false;
                                existing.desiredState = DesiredState.DRAIN;
                            }
                        } else if (!WorkerCredentials.matches(credential, existing.credentialSha256)) {
                            return Uni.createFrom().failure(
                                    new MachineEnrolledException(machineId, existing.id, credential != null));
                        }
                        apply(existing, registration, now);
                        return Uni.createFrom().item(new Enrolled(existing, issued));
                    }
                    return Revocation.<Revocation>find("machineId = ?1 and banned = true", machineId).firstResult()
                            .chain(ban -> {
                                if (ban != null) {
                                    return Uni.createFrom().failure(new MachineBannedException(machineId,
                                            ban.workerId));
                                }
                                String issued = credentials.mint();
                                Worker created = new Worker();
                                created.id = newWorkerId();
                                created.registeredAt = now;
                                created.approved = !config.approveNewWorkers();
                                created.desiredState = created.approved ? DesiredState.ACTIVE : DesiredState.DRAIN;
                                created.credentialSha256 = WorkerCredentials.digest(issued);
                                apply(created, registration, now);
                                return created.<Worker>persist().map(w -> new Enrolled(w, issued));
                            });
                })
                .map(enrolled -> {
                    IssuedToken token = tokens.forWorker(enrolled.worker().id);
                    return new WorkerRegistered(enrolled.worker().id, token.token(), token.expiresAt(),
                            config.heartbeatInterval().toSeconds(), enrolled.worker().desiredState,
                            enrolled.credential());
                });
    }

    /** A registered worker and the credential this registration issued, if it issued one. */
    private record Enrolled(Worker worker, String credential) {
    }

    @WithSession
    public Uni<WorkerInfo> get(String workerId) {
        Instant now = clock.instant();
        return Worker.<Worker>findById(workerId)
                .onItem().ifNull().failWith(() -> new WorkerNotFoundException(workerId))
                .map(worker -> toInfo(worker, now));
    }

    /**
     * One page of the workers matching every filter, by hostname then id. A keyset query: the page starts after the
     * cursor's (hostname, id), so workers registered meanwhile neither shift nor repeat the pages still to come.
     *
     * @param status ONLINE, SUSPECT or LOST at the time of the call; empty for any
     * @param labels each {@code key=value} (the label has that value) or {@code key} (the label is present)
     * @param cursor the previous page's {@link Page#nextCursor()}; empty for the first page
     */
    @WithSession
    public Uni<Page<WorkerInfo>> list(Optional<WorkerStatus> status, List<String> labels, int limit,
                                      Optional<String> cursor) {
        Instant now = clock.instant();
        StringBuilder sql = new StringBuilder("SELECT * FROM workers WHERE true");
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (cursor.isPresent()) {
            List<String> after;
            try {
                after = PageCursors.decode(cursor.get(), 2);
            } catch (InvalidCursorException e) {
                return Uni.createFrom().failure(e);
            }
            // Row comparison: the same collation as the ORDER BY, and the index on (hostname, id) serves both.
            sql.append(" AND (hostname, id) > (:afterHostname, :afterId)");
            parameters.put("afterHostname", after.get(0));
            parameters.put("afterId", after.get(1));
        }
        status.ifPresent(s -> {
            switch (s) {
                case ONLINE -> sql.append(" AND last_seen > :online");
                case SUSPECT -> sql.append(" AND last_seen <= :online AND last_seen > :lost");
                case LOST -> sql.append(" AND last_seen <= :lost");
            }
            if (s != WorkerStatus.LOST) {
                parameters.put("online", liveness.onlineCutoff(now, grace.outage()));
            }
            if (s != WorkerStatus.ONLINE) {
                parameters.put("lost", liveness.lostCutoff(now, grace.outage()));
            }
        });
        for (int i = 0; i < labels.size(); i++) {
            String label = labels.get(i);
            int eq = label.indexOf('=');
            String key = eq < 0 ? label : label.substring(0, eq);
            if (!LABEL_KEY.matcher(key).matches()) {
                return Uni.createFrom().failure(new InvalidRequestException("label",
                        "a label filter is key or key=value, with a key of letters, digits and ._/- (got '" + label + "')"));
            }
            String name = "label" + i;
            if (eq < 0) {
                sql.append(" AND jsonb_exists(labels, :").append(name).append(')');
                parameters.put(name, key);
            } else {
                // Cast through text: a parameter typed jsonb would be sent as a JSON string, not an object.
                sql.append(" AND labels @> CAST(CAST(:").append(name).append(" AS text) AS jsonb)");
                parameters.put(name, write(Map.of(key, label.substring(eq + 1))));
            }
        }
        return KeysetQuery.page(sql, "hostname, id", parameters, Worker.class, limit,
                        worker -> List.of(worker.hostname, worker.id))
                .map(page -> page.map(worker -> toInfo(worker, now)));
    }

    /** Asks the worker to drain: its next heartbeat answers DRAIN. */
    @WithTransaction
    public Uni<WorkerInfo> drain(String workerId) {
        return setDesiredState(workerId, DesiredState.DRAIN);
    }

    /**
     * Takes a drain back: its next heartbeat answers ACTIVE again; idempotent.
     *
     * @throws NotApprovedException the PC still waits for approval (which is what lets it work)
     */
    @WithTransaction
    public Uni<WorkerInfo> undrain(String workerId) {
        return change(workerId, worker -> {
            if (!worker.approved) {
                throw new NotApprovedException(workerId);
            }
            worker.desiredState = DesiredState.ACTIVE;
        });
    }

    /** Lets a PC that waits for approval work: approved and active from its next heartbeat on; idempotent. */
    @WithTransaction
    public Uni<WorkerInfo> approve(String workerId) {
        return change(workerId, worker -> {
            if (!worker.approved) {
                worker.approved = true;
                worker.desiredState = DesiredState.ACTIVE;
            }
        });
    }

    private Uni<WorkerInfo> setDesiredState(String workerId, DesiredState state) {
        return change(workerId, worker -> worker.desiredState = state);
    }

    private Uni<WorkerInfo> change(String workerId, java.util.function.Consumer<Worker> change) {
        Instant now = clock.instant();
        return Worker.<Worker>findById(workerId)
                .onItem().ifNull().failWith(() -> new WorkerNotFoundException(workerId))
                .map(worker -> {
                    change.accept(worker);
                    return toInfo(worker, now);
                });
    }

    private Uni<Void> lockMachine(String machineId) {
        // Serializes concurrent registrations of one machine, so a racing pair cannot create two rows.
        return Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtext(:machine))) AS locked")
                .setParameter("machine", machineId)
                .getSingleResult())
                .replaceWithVoid();
    }

    private void apply(Worker worker, WorkerRegistration r, Instant now) {
        worker.machineId = r.machineId();
        worker.hostname = r.hostname();
        worker.agentVersion = r.agentVersion();
        worker.cores = r.cores();
        worker.memoryMiB = r.memoryMiB();
        worker.jobCpus = r.jobCpus();
        worker.jobMemoryMiB = r.jobMemoryMiB();
        worker.jobDiskMiB = r.jobDiskMiB();
        worker.cpuModel = r.cpuModel();
        worker.cpuFlags = String.join(" ", r.cpuFlags());
        worker.benchmarkScore = r.benchmarkScore();
        worker.podmanVersion = r.podmanVersion();
        worker.criuVersion = r.criuVersion();
        worker.ociRuntime = r.ociRuntime();
        worker.cgroupVersion = r.cgroupVersion();
        worker.arch = r.arch();
        worker.labels = r.labels();
        worker.lastSeen = now;
    }

    private WorkerInfo toInfo(Worker w, Instant now) {
        List<String> flags = w.cpuFlags == null || w.cpuFlags.isBlank() ? List.of() : Arrays.asList(w.cpuFlags.split(" "));
        var registration = new WorkerRegistration(w.machineId, w.hostname, w.agentVersion, w.cores, w.memoryMiB,
                w.jobCpus, w.cpuModel, flags, w.benchmarkScore, w.podmanVersion, w.criuVersion, w.ociRuntime,
                w.cgroupVersion, w.arch, w.labels, w.jobMemoryMiB, w.jobDiskMiB);
        return new WorkerInfo(w.id, liveness.statusAt(w.lastSeen, now, grace.outage()), w.desiredState, w.registeredAt, w.lastSeen,
                registration, w.latestReport, w.approved);
    }

    private String newWorkerId() {
        // "w" + 12 base32 characters: 60 random bits, short enough for container names and logs.
        char[] id = new char[13];
        id[0] = 'w';
        for (int i = 1; i < id.length; i++) {
            id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
        }
        return new String(id);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
