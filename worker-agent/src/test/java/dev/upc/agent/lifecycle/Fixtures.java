package dev.upc.agent.lifecycle;

import dev.upc.agent.control.WorkerSession;
import dev.upc.agent.state.AgentState;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.WorkerRegistration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** What the lifecycle tests share: a PC's registration, a state file, commands, and waiting for a condition. */
final class Fixtures {

    static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private Fixtures() {
    }

    static WorkerRegistration registration() {
        return new WorkerRegistration("m-1", "pc-1", "0.1.0", 2, 4096L, 1, "Xeon", List.of(), 1.0, "4.3.1", "4.1.1",
                "runc", 1, "amd64", Map.of(), 2048L);
    }

    static AgentState state(Path dir) {
        try {
            return AgentState.open(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Enrolment enrolled(ScriptedControlPlane control, AgentState state, Troubles troubles) {
        Enrolment enrolment = new Enrolment(registration(), "join-token", state, control, CLOCK, troubles);
        enrolment.registerFirst(new dev.upc.agent.retry.Backoff(Duration.ofMillis(1), Duration.ofMillis(5)),
                new Progress(), "http://registry");
        return enrolment;
    }

    static AgentCommand command(String id, AgentCommandType type, String jobId, long epoch) {
        return new AgentCommand(id, type, jobId, epoch, AgentCommand.containerName(jobId, epoch), null, null, null,
                null, null, false, NOW);
    }

    static WorkerSession session(String token, Instant expiresAt) {
        return new WorkerSession("w-1", token, expiresAt);
    }

    /** Waits up to 5 s for {@code condition}; false if it never held. */
    static boolean eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }
}
