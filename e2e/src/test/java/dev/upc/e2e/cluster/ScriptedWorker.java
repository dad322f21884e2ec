package dev.upc.e2e.cluster;

import static dev.upc.cli.client.ProtocolJson.MAPPER;

import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.AgentCommands;
import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.HeartbeatReply;
import dev.upc.protocol.WorkerRegistered;
import dev.upc.protocol.WorkerRegistration;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A worker that speaks the protocol by hand: registers, heartbeats, long-polls its commands. */
final class ScriptedWorker implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final URI registry;
    private final URI scheduler;
    private final WorkerRegistered registered;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "scripted-worker-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    private ScriptedWorker(URI registry, URI scheduler, WorkerRegistered registered) {
        this.registry = registry;
        this.scheduler = scheduler;
        this.registered = registered;
    }

    static ScriptedWorker register(URI registry, URI scheduler, String joinToken, String machineId)
            throws IOException, InterruptedException {
        HttpResponse<String> response = postRegistration(registry, joinToken, registration(machineId));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("registration answered " + response.statusCode() + ": " + response.body());
        }
        return new ScriptedWorker(registry, scheduler, MAPPER.readValue(response.body(), WorkerRegistered.class));
    }

    static HttpResponse<String> postRegistration(URI registry, String joinToken, WorkerRegistration registration)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(registry.resolve(ApiPaths.WORKERS))
                .header("Authorization", "Bearer " + joinToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(registration))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static WorkerRegistration registration(String machineId) {
        return new WorkerRegistration(machineId, machineId + ".test", "0.1.0", 2, 4096L, 2, "Test CPU",
                List.of("sse2"), 1.0, "4.3.1", "4.1.1", "runc", 1, "amd64", Map.of("room", "it"), null);
    }

    WorkerRegistered registered() {
        return registered;
    }

    HeartbeatReply heartbeat(Heartbeat heartbeat) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(withToken(registry.resolve(
                        ApiPaths.WORKER_HEARTBEAT.replace("{workerId}", registered.workerId())))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(heartbeat))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("heartbeat answered " + response.statusCode() + ": " + response.body());
        }
        return MAPPER.readValue(response.body(), HeartbeatReply.class);
    }

    /** Heartbeats in the background at the interval the registry asked for, until closed. */
    void keepHeartbeating(Heartbeat heartbeat) {
        heartbeats.scheduleAtFixedRate(() -> {
            try {
                heartbeat(heartbeat);
            } catch (IOException | RuntimeException e) {
                System.err.println("scripted worker: heartbeat failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 0, registered.heartbeatIntervalSeconds(), TimeUnit.SECONDS);
    }

    /** Long-polls (5 s at a time) until a command of that type for that job arrives. */
    AgentCommand awaitCommand(AgentCommandType type, String jobId, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = HTTP.send(withToken(scheduler.resolve(
                            ApiPaths.AGENT_COMMANDS.replace("{workerId}", registered.workerId()) + "?waitSeconds=5"))
                    .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("long poll answered " + response.statusCode() + ": "
                        + response.body());
            }
            for (AgentCommand command : MAPPER.readValue(response.body(), AgentCommands.class).commands()) {
                if (command.type() == type && command.jobId().equals(jobId)) {
                    return command;
                }
            }
        }
        throw new IllegalStateException("no " + type + " for job " + jobId + " within " + timeout.toSeconds() + " s");
    }

    private HttpRequest.Builder withToken(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + registered.workerToken());
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
    }
}
