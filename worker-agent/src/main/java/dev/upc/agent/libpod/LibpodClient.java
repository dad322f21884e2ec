package dev.upc.agent.libpod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.upc.agent.libpod.uds.UdsLibpodTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Typed operations on Podman's libpod REST API (v4). JSON is handled as trees, so no libpod type
 * needs reflection in a native image; archives stream through and are never held in memory.
 */
public final class LibpodClient {

    private static final String API = "/v4.0.0/libpod";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,252}");
    private static final int JSON_LIMIT = 8 * 1024 * 1024;
    private static final String TAR = "application/x-tar";

    private final LibpodTransport transport;
    private final LibpodTimeouts timeouts;
    /** Made at the first JSON libpod sends or is sent, not at start: a ping needs none (and a mapper costs ~30 ms). */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    public LibpodClient(LibpodTransport transport, LibpodTimeouts timeouts) {
        this.transport = transport;
        this.timeouts = timeouts;
    }

    public static LibpodClient forSocket(Path socket) {
        return new LibpodClient(new UdsLibpodTransport(socket), LibpodTimeouts.defaults());
    }

    // ---- service ---------------------------------------------------------------------------------

    /** Succeeds when the service answers; throws {@link LibpodUnreachableException} when nothing listens. */
    public void ping() {
        call(get("/_ping"), "ping");
    }

    public PodmanHost host() {
        JsonNode info = json(call(get("/info"), "info"));
        JsonNode host = info.path("host");
        JsonNode runtime = host.path("ociRuntime");
        return new PodmanHost(info.path("version").path("Version").asText(), info.path("version").path("APIVersion").asText(),
                host.path("arch").asText(), host.path("cpus").asInt(), host.path("memTotal").asLong(),
                host.path("kernel").asText(), host.path("cgroupVersion").asText(), runtime.path("name").asText(),
                firstLine(runtime.path("version").asText()), host.path("hostname").asText(),
                host.path("cgroupManager").asText());
    }

    // ---- images ----------------------------------------------------------------------------------

    public boolean imageExists(String reference) {
        return exists(get("/images/" + encodeSegment(reference) + "/exists"), "image exists " + reference);
    }

    /** How podman stores the image on this host: its full id and layer directories (one inspect). */
    public ImageStorage imageStorage(String reference) {
        JsonNode image = json(call(get("/images/" + encodeSegment(reference) + "/json"), "inspect image " + reference));
        JsonNode driver = image.path("GraphDriver");
        List<java.nio.file.Path> layers = new java.util.ArrayList<>();
        if ("overlay".equals(driver.path("Name").asText())) {
            String upper = driver.path("Data").path("UpperDir").asText("");
            if (!upper.isEmpty()) {
                layers.add(java.nio.file.Path.of(upper));
            }
            for (String lower : driver.path("Data").path("LowerDir").asText("").split(":")) {
                if (!lower.isEmpty()) {
                    layers.add(java.nio.file.Path.of(lower));
                }
            }
        }
        return new ImageStorage(image.path("Id").asText(""), layers);
    }

    /**
     * Imports a root file system tarball as image {@code reference} (what {@code podman import} does).
     *
     * @param length the tarball's size, or -1 if unknown
     * @return the new image's id
     */
    public String importImage(InputStream rootfsTar, long length, String reference) {
        LibpodRequest request = longWork(LibpodRequest.builder("POST", API + "/images/import")
                .query("reference", reference)
                .body(LibpodRequest.Body.stream(TAR, rootfsTar, length)));
        return json(call(request, "import image " + reference)).path("Id").asText();
    }

    /**
     * Streams the image out as a {@code docker-archive}, which keeps the image id: a checkpoint can
     * only be restored where its image has the same id, so PCs get images by save and load, never by
     * separate imports.
     */
    public ArchiveStream exportImage(String reference) {
        LibpodRequest request = longWork(LibpodRequest.builder("GET", API + "/images/" + encodeSegment(reference) + "/get")
                .query("format", "docker-archive"));
        long start = System.nanoTime();
        LibpodResponse response = open(request, "export image " + reference);
        return new ArchiveStream(response, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Pulls the image from its registry (the PC's registries.conf and credentials apply); returns its id. */
    public String pull(String reference) {
        LibpodRequest request = longWork(LibpodRequest.builder("POST", API + "/images/pull")
                .query("reference", reference).query("quiet", true));
        byte[] answer = call(request, "pull " + reference);
        // The answer is a stream of JSON objects; the last one carries "id" or "error".
        String text = text(answer).trim();
        JsonNode last = json(text.substring(Math.max(0, text.lastIndexOf("\n{") + 1)).getBytes(StandardCharsets.UTF_8));
        if (!last.path("error").asText("").isEmpty()) {
            throw new LibpodServerException("pull " + reference, 200, last.path("error").asText());
        }
        return last.path("id").asText();
    }

    /** Loads an image archive ({@code podman save} format); returns the names it holds. */
    public List<String> loadImage(InputStream archive, long length) {
        LibpodRequest request = longWork(LibpodRequest.builder("POST", API + "/images/load")
                .body(LibpodRequest.Body.stream(TAR, archive, length)));
        List<String> names = new ArrayList<>();
        json(call(request, "load image")).path("Names").forEach(name -> names.add(name.asText()));
        return names;
    }

    /**
     * Gives image {@code image} (a name or id) the further name {@code reference} ({@code repo[:tag]}, tag
     * {@code latest} when absent); the image and its id stay what they were.
     */
    public void tag(String image, String reference) {
        int slash = reference.lastIndexOf('/');
        int colon = reference.lastIndexOf(':');
        String repo = colon > slash ? reference.substring(0, colon) : reference;
        String tag = colon > slash ? reference.substring(colon + 1) : "latest";
        call(post("/images/" + encodeSegment(image) + "/tag").query("repo", repo).query("tag", tag).build(),
                "tag " + image + " as " + reference);
    }

    // ---- containers ------------------------------------------------------------------------------

    /** Creates (does not start) a container; returns its id. */
    public String create(ContainerSpec spec) {
        ObjectNode body = Mapper.JSON.createObjectNode();
        body.put("name", spec.name());
        body.put("image", spec.image());
        body.put("raw_image_name", spec.image()); // restore-import looks the image up by this name on the target
        body.set("command", Mapper.JSON.valueToTree(spec.command()));
        body.set("env", Mapper.JSON.valueToTree(spec.env()));
        body.set("labels", Mapper.JSON.valueToTree(spec.labels()));
        ObjectNode limits = body.putObject("resource_limits");
        if (spec.cpuQuotaMicros() != null) {
            limits.putObject("cpu").put("quota", spec.cpuQuotaMicros()).put("period", spec.cpuPeriodMicros());
        }
        if (spec.memoryLimitBytes() != null) {
            limits.putObject("memory").put("limit", spec.memoryLimitBytes());
        }
        // The pids cgroup is what stops a fork bomb: RLIMIT_NPROC does not bind a container's root (the kernel exempts
        // uid 0 of the host's user namespace from it).
        limits.putObject("pids").put("limit", spec.maxProcesses());
        ArrayNode rlimits = body.putArray("r_limits"); // lowercase names: "RLIMIT_NOFILE" fails at start
        rlimits.addObject().put("type", "nofile").put("soft", spec.maxOpenFiles()).put("hard", spec.maxOpenFiles());
        rlimits.addObject().put("type", "nproc").put("soft", spec.maxProcesses()).put("hard", spec.maxProcesses());
        body.putObject("netns").put("nsmode", spec.network() ? "bridge" : "none");
        if (spec.cgroupParent() != null) {
            body.put("cgroup_parent", spec.cgroupParent());
        }
        body.put("no_new_privileges", true);
        if (spec.userNamespace() != null) {
            body.putObject("userns").put("nsmode", "private");
            ObjectNode mappings = body.putObject("idmappings");
            for (String kind : new String[] {"UIDMap", "GIDMap"}) {
                mappings.putArray(kind).addObject().put("container_id", 0).put("host_id", spec.userNamespace().hostId())
                        .put("size", spec.userNamespace().size());
            }
        }
        body.putObject("log_configuration").put("driver", "k8s-file").put("size", ContainerSpec.MAX_LOG_BYTES);
        LibpodRequest request = post("/containers/create").body(jsonBody(body)).build();
        return json(call(request, "create " + spec.name())).path("Id").asText();
    }

    public void start(String name) {
        call(post(container(name, "/start")).build(), "start " + name);
    }

    public ContainerInfo inspect(String name) {
        JsonNode c = json(call(get(container(name, "/json")), "inspect " + name));
        JsonNode state = c.path("State");
        JsonNode host = c.path("HostConfig");
        return new ContainerInfo(c.path("Id").asText(), c.path("Name").asText(), c.path("ImageName").asText(),
                stringMap(c.path("Config").path("Labels")), state.path("Status").asText(),
                state.path("Running").asBoolean(), state.path("Pid").asLong(), state.path("ExitCode").asInt(),
                state.path("Checkpointed").asBoolean(), state.path("Restored").asBoolean(),
                host.path("CgroupParent").asText(""), state.path("CgroupPath").asText(""),
                instant(state.path("StartedAt")),
                instant(state.path("FinishedAt")),
                state.path("CheckpointPath").asText(""),
                "overlay".equals(c.path("GraphDriver").path("Name").asText())
                        ? c.path("GraphDriver").path("Data").path("UpperDir").asText("") : "");
    }

    /** A time of inspect's State, or null for Go's zero time (never) and anything unreadable. */
    private static Instant instant(JsonNode node) {
        try {
            Instant at = Instant.parse(node.asText(""));
            return at.getEpochSecond() <= 0 ? null : at;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** Whether a container of that name or id exists. */
    public boolean exists(String name) {
        return exists(get(container(name, "/exists")), "container exists " + name);
    }

    /** Sends the container's processes a signal, e.g. {@code SIGKILL}; the container stays, stopped, once they exit. */
    public void kill(String name, String signal) {
        call(post(container(name, "/kill")).query("signal", signal).build(), "kill " + name);
    }

    /** Waits until the container has exited and returns its exit code. */
    public int waitForExit(String name, Duration timeout) {
        LibpodRequest request = post(container(name, "/wait")).query("condition", "exited")
                .responseTimeout(timeout).build();
        String body = text(call(request, "wait " + name)).trim();
        try {
            return Integer.parseInt(body);
        } catch (NumberFormatException e) {
            throw new LibpodServerException("wait " + name, 200, "unexpected answer: " + body);
        }
    }

    /** The last {@code tail} lines of stdout and stderr (all lines when {@code tail} is negative). */
    public List<LogLine> logs(String name, int tail) {
        LibpodRequest request = get(container(name, "/logs"), Map.of("stdout", "true", "stderr", "true",
                "tail", tail < 0 ? "all" : String.valueOf(tail)));
        byte[] raw = call(request, "logs " + name);
        return LogFrames.parse(raw);
    }

    /**
     * Follows the container's log from its first line: stdout and stderr as {@link LogFrameDecoder frames} with
     * timestamps, as the container prints them, until it exits. libpod sends nothing, not even the head of its answer,
     * before the container prints something, and a job may be quiet for hours: the exchange is given up only after
     * {@code quietLimit} without a byte ({@link LibpodTimeoutException}), and the caller follows again from the start.
     * A checkpoint that stops the container does not end the stream (podman ends it on the container's death only):
     * close it then.
     *
     * @throws LibpodNotFoundException when there is no such container
     */
    public LogStream followLogs(String name, Duration quietLimit) {
        LibpodRequest request = LibpodRequest.builder("GET", API + container(name, "/logs"))
                .query("follow", true).query("stdout", true).query("stderr", true).query("timestamps", true)
                .responseTimeout(quietLimit).idleTimeout(quietLimit).build();
        return new LogStream(open(request, "follow logs of " + name));
    }

    /** The container's whole log as it is now, streamed like {@link #followLogs}, ending at its current end. */
    public LogStream readLogs(String name) {
        LibpodRequest request = LibpodRequest.builder("GET", API + container(name, "/logs"))
                .query("stdout", true).query("stderr", true).query("timestamps", true)
                .responseTimeout(timeouts.call()).idleTimeout(timeouts.transferIdle()).build();
        return new LogStream(open(request, "read logs of " + name));
    }

    public ContainerStats stats(String name) {
        LibpodRequest request = get("/containers/stats", Map.of("containers", checkName(name), "stream", "false"));
        JsonNode answer = json(call(request, "stats " + name));
        JsonNode stats = answer.path("Stats").path(0);
        if (stats.isMissingNode()) {
            throw new LibpodServerException("stats " + name, 200, "no stats: " + answer.path("Error").asText());
        }
        return new ContainerStats(stats.path("CPUNano").asLong(), stats.path("MemUsage").asLong(),
                stats.path("MemLimit").asLong(), stats.path("PIDs").asLong());
    }

    /** All containers, running or not, with the label ({@code key} or {@code key=value}). */
    public List<ContainerSummary> listByLabel(String label) {
        ObjectNode filters = Mapper.JSON.createObjectNode();
        filters.putArray("label").add(label);
        LibpodRequest request = get("/containers/json", Map.of("all", "true", "filters", filters.toString()));
        List<ContainerSummary> containers = new ArrayList<>();
        for (JsonNode c : json(call(request, "list " + label))) {
            containers.add(new ContainerSummary(c.path("Id").asText(), c.path("Names").path(0).asText(),
                    c.path("State").asText(), stringMap(c.path("Labels"))));
        }
        return containers;
    }

    /**
     * Streams a tar of {@code path} inside the container out (running or stopped), e.g. a job's output directory.
     *
     * @throws LibpodNotFoundException when the container or the path does not exist
     */
    public ArchiveStream copyOut(String name, String path) {
        LibpodRequest request = longWork(LibpodRequest.builder("GET", API + container(name, "/archive"))
                .query("path", path));
        long start = System.nanoTime();
        LibpodResponse response = open(request, "copy " + path + " out of " + name);
        return new ArchiveStream(response, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Whether {@code path} exists in the container's file system, running or only created (libpod's
     * {@code HEAD /containers/{name}/archive}, which follows symbolic links as a copy into the path would).
     */
    public boolean pathExists(String name, String path) {
        LibpodRequest request = LibpodRequest.builder("HEAD", API + container(name, "/archive")).query("path", path)
                .responseTimeout(timeouts.call()).idleTimeout(timeouts.call()).build();
        return exists(request, "look up " + path + " in " + name);
    }

    /**
     * Unpacks a tar streamed in at {@code path} inside the container; works on a created container before its first
     * start (how a job's input files get in). Entries replace what is there, directories included: their mode and
     * times become the archive's.
     *
     * @param length the tar's size, or -1 if unknown (sent chunked)
     * @throws LibpodNotFoundException when the container or {@code path} does not exist
     */
    public void copyIn(String name, String path, InputStream tar, long length) {
        LibpodRequest request = longWork(LibpodRequest.builder("PUT", API + container(name, "/archive"))
                .query("path", path)
                .body(LibpodRequest.Body.stream(TAR, tar, length)));
        call(request, "copy into " + name + " at " + path);
    }

    /** Renames a container (e.g. a job's kept container taking the name of its new epoch). */
    public void rename(String name, String newName) {
        call(post(container(name, "/rename")).query("name", checkName(newName)).build(), "rename " + name);
    }

    /** Changes a container's CPU limit at once, running or not (restore has no resource flags). */
    public void updateCpu(String name, long quotaMicros, long periodMicros) {
        updateLimits(name, quotaMicros, periodMicros, null);
    }

    /**
     * Changes a container's CPU limit and, when {@code memoryLimitBytes} is not null, its memory limit: a restored
     * container gets the limits of the PC it now runs on.
     */
    public void updateLimits(String name, long quotaMicros, long periodMicros, Long memoryLimitBytes) {
        ObjectNode body = Mapper.JSON.createObjectNode();
        body.putObject("cpu").put("quota", quotaMicros).put("period", periodMicros);
        if (memoryLimitBytes != null) {
            body.putObject("memory").put("limit", memoryLimitBytes);
        }
        call(post(container(name, "/update")).body(jsonBody(body)).build(), "update " + name);
    }

    /**
     * Removes the container; with {@code force} a running one is killed first, at once (a job is
     * PID 1 in its container and ignores the polite SIGTERM, so waiting for it only wastes time).
     *
     * @return false when there was no such container (removal is idempotent)
     */
    public boolean remove(String name, boolean force) {
        LibpodRequest request = LibpodRequest.builder("DELETE", API + container(name, ""))
                .query("force", force).query("timeout", force ? 0 : null).query("v", true)
                .responseTimeout(timeouts.longWork()).build();
        try {
            call(request, "remove " + name);
            return true;
        } catch (LibpodNotFoundException e) {
            return false;
        } catch (LibpodServerException e) {
            if (isRacedStorageRemoval(e) && !exists(name)) {
                return true;
            }
            throw e;
        }
    }

    /**
     * Podman 4.3's removal of a user-namespaced container races its own cleanup process for the {@code shm} mount
     * (podman#11594, fixed in 4.4): about one force removal in ten answers "removing container … root filesystem:
     * … device or resource busy" after it already dropped the container from its database; the racing cleanup
     * deletes the storage a moment later (measured: nothing is left). Such an answer is a removal.
     */
    private static boolean isRacedStorageRemoval(LibpodException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("root filesystem") && message.contains("device or resource busy");
    }

    // ---- checkpoint and restore ------------------------------------------------------------------

    /**
     * Checkpoints the container with CRIU and streams the archive out. libpod answers once the dump
     * is done; the caller reads the archive to its end (e.g. into a store or another libpod) and
     * closes it.
     */
    public ArchiveStream checkpointExport(String name, CheckpointOptions options) {
        LibpodRequest request = longWork(post(container(name, "/checkpoint"))
                .query("export", true)
                .query("leaveRunning", options.leaveRunning())
                .query("tcpEstablished", options.tcpEstablished())
                .query("ignoreRootFS", options.ignoreRootFs())
                .query("keep", options.keep()));
        String operation = "checkpoint " + name;
        long start = System.nanoTime();
        LibpodResponse response = open(request, operation);
        return new ArchiveStream(response, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Restores a container from a checkpoint archive streamed in, under a new name. The target must
     * hold the image the container was created from. On failure no container of that name is left
     * behind; one whose archive stream failed before its end created nothing, and nothing of that name is
     * removed then.
     *
     * @param length the archive's size, or -1 when it is streamed from elsewhere
     */
    public RestoreReport restoreImport(InputStream archive, long length, RestoreOptions options) {
        String operation = "restore " + options.name();
        CountingInput counted = new CountingInput(archive);
        long start = System.nanoTime();
        LibpodRequest request = longWork(post(container("import", "/restore"))
                .query("import", true)
                .query("name", options.name())
                .query("tcpEstablished", options.tcpEstablished())
                .query("ignoreRootFS", options.ignoreRootFs())
                .body(LibpodRequest.Body.stream(TAR, counted, length)));
        try {
            JsonNode report = json(call(request, operation));
            long end = System.nanoTime();
            long uploaded = counted.finishedAt() == 0 ? end : counted.finishedAt();
            return new RestoreReport(report.path("Id").asText(), counted.count(),
                    Duration.ofNanos(uploaded - start), Duration.ofNanos(end - uploaded));
        } catch (RuntimeException e) {
            // Libpod stages the whole archive before it creates anything: an archive that never ended (its stream
            // failed) left nothing, and the name may belong to another container by now (a RUN or RESTORE after a
            // prefetch was dropped). Only after the end can a half-created container be left.
            if (counted.finishedAt() != 0 || length >= 0 && counted.count() >= length) {
                removeLeftover(options.name(), e);
            }
            throw e;
        }
    }

    /**
     * Restores a stopped container from the dump a {@link CheckpointOptions#keep keeping} checkpoint left in its own
     * directory: the way back when an exported archive never reached the store. Keeps the dump again, so a second
     * attempt is possible.
     */
    public void restoreInPlace(String name) {
        call(longWork(post(container(name, "/restore")).query("keep", true)), "restore in place " + name);
    }

    private void removeLeftover(String name, RuntimeException failure) {
        try {
            remove(name, true);
        } catch (RuntimeException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    // ---- plumbing --------------------------------------------------------------------------------

    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a valid container name or id: " + name);
        }
        return name;
    }

    private static String container(String name, String suffix) {
        return "/containers/" + checkName(name) + suffix;
    }

    private LibpodRequest get(String path) {
        return get(path, Map.of());
    }

    private LibpodRequest get(String path, Map<String, String> query) {
        LibpodRequest.Builder builder = LibpodRequest.builder("GET", API + path)
                .responseTimeout(timeouts.call()).idleTimeout(timeouts.call());
        query.forEach(builder::query);
        return builder.build();
    }

    private LibpodRequest.Builder post(String path) {
        return LibpodRequest.builder("POST", API + path).responseTimeout(timeouts.call()).idleTimeout(timeouts.call());
    }

    private LibpodRequest longWork(LibpodRequest.Builder builder) {
        return builder.responseTimeout(timeouts.longWork()).idleTimeout(timeouts.transferIdle()).build();
    }

    private LibpodRequest.Body jsonBody(JsonNode body) {
        return LibpodRequest.Body.json(body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the request and returns the open response if it succeeded; else throws the typed error. */
    private LibpodResponse open(LibpodRequest request, String operation) {
        LibpodResponse response;
        try {
            response = transport.exchange(request);
        } catch (LibpodException e) {
            throw e;
        } catch (IOException e) {
            throw new LibpodServerException(operation, 0, "talking to libpod failed: " + e.getMessage());
        }
        if (response.successful()) {
            return response;
        }
        try (response) {
            throw LibpodException.forStatus(operation, response.status(), errorMessage(response));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] call(LibpodRequest request, String operation) {
        try (LibpodResponse response = open(request, operation)) {
            return response.readBody(JSON_LIMIT);
        } catch (IOException e) {
            throw new LibpodServerException(operation, 0, "reading libpod's answer failed: " + e.getMessage());
        }
    }

    private boolean exists(LibpodRequest request, String operation) {
        try {
            call(request, operation);
            return true;
        } catch (LibpodNotFoundException e) {
            return false;
        }
    }

    private String errorMessage(LibpodResponse response) {
        byte[] body;
        try {
            body = response.readBody(64 * 1024);
        } catch (IOException | RuntimeException e) {
            return "HTTP " + response.status() + " (body unreadable: " + e.getMessage() + ")";
        }
        try {
            JsonNode error = Mapper.JSON.readTree(body);
            String message = error.path("message").asText("");
            String cause = error.path("cause").asText("");
            if (!message.isEmpty()) {
                return cause.isEmpty() || message.contains(cause) ? message : message + " (" + cause + ")";
            }
        } catch (IOException notJson) {
            // fall through to the raw text
        }
        String text = new String(body, StandardCharsets.UTF_8).trim();
        return "HTTP " + response.status() + (text.isEmpty() ? "" : ": " + text);
    }

    private JsonNode json(byte[] body) {
        try {
            return Mapper.JSON.readTree(body);
        } catch (IOException e) {
            throw new LibpodServerException("parse libpod answer", 200, "not JSON: " + e.getMessage());
        }
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    private static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> map = new HashMap<>();
        node.fields().forEachRemaining(field -> map.put(field.getKey(), field.getValue().asText()));
        return map;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static String encodeSegment(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
