package dev.upc.e2e.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.e2e.cluster.ClusterKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The secrets of one deployment, as a directory of files (mode 600) that is made once and never committed: a signing
 * key per issuer ({@code admin-private.pem}, {@code registry-private.pem}, {@code scheduler-private.pem}, see
 * {@link ClusterKeys}) and the set of their public keys with key ids naming the issuers ({@code jwks.json}, so a
 * second key can join it for rotation), the join token PCs enrol with and the database password. From them
 * {@code secrets.yaml} holds the two Secrets the manifests name — {@value #KEYS_SECRET} (files mounted at
 * /etc/upc/jwt: the key set, and each service's own private key for that service alone) and {@value #VALUES_SECRET}
 * (environment) — for {@code kubectl apply -f}. The admin key never goes into the cluster: admin tokens are minted
 * here ({@link #writeAdminToken}), by whoever holds this directory.
 */
public final class DeploymentSecrets {

    public static final String KEYS_SECRET = "upc-keys";
    public static final String VALUES_SECRET = "upc-secrets";
    /** The services' own certificate in overlay production-tls, made by cert-manager or the operator, not here. */
    public static final String TLS_SECRET = "upc-service-tls";
    /** The keys of each Secret: what the manifests may reference. */
    public static final Map<String, List<String>> KEYS = Map.of(
            KEYS_SECRET, List.of("registry-private.pem", "scheduler-private.pem", "jwks.json"),
            VALUES_SECRET, List.of("join-token", "db-password"),
            TLS_SECRET, List.of("tls.crt", "tls.key", "ca.crt"));

    /**
     * What each service finds in its key directory on one server (the local overlay's hostPath volumes, the layout
     * the Secret's items give in Kubernetes): the key set for all three, and its own private key, as
     * {@code private.pem}, for the registry and the scheduler alone.
     */
    public static final Map<String, Map<String, String>> HOST_KEYS = Map.of(
            "registry", Map.of("registry-private.pem", "private.pem", "jwks.json", "jwks.json"),
            "scheduler", Map.of("scheduler-private.pem", "private.pem", "jwks.json", "jwks.json"),
            "store", Map.of("jwks.json", "jwks.json"));
    /** The user the service images run as: it reads the key files, nobody else may. */
    public static final int SERVICE_UID = 10001;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;

    private DeploymentSecrets(Path dir) {
        this.dir = dir;
    }

    /** The secrets in {@code dir}: made there when it holds none, reused when it does (they are never rotated here). */
    public static DeploymentSecrets open(Path dir) throws IOException {
        DeploymentSecrets secrets = new DeploymentSecrets(dir);
        if (Files.exists(dir.resolve("private.pem")) && !Files.exists(dir.resolve("registry-private.pem"))) {
            throw new IllegalStateException(dir + " holds one signing key shared by the registry and the scheduler"
                    + " (private.pem); the services now sign with a key each. Move the directory aside, run again for"
                    + " new secrets, apply the new secrets.yaml and restart the services (PCs re-enrol with the join"
                    + " token from join-token; users need new tokens)");
        }
        if (!Files.exists(dir.resolve("registry-private.pem"))) {
            secrets.make();
        }
        return secrets;
    }

    private void make() throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        ClusterKeys.generate(dir);
        writePrivate("join-token", "join-" + randomHex(24));
        writePrivate("db-password", randomHex(24));
        writePrivate("secrets.yaml", manifestYaml());
        writePrivate("podman-secret.json", podmanSecretJson());
    }

    public Path dir() {
        return dir;
    }

    public ClusterKeys keys() throws IOException {
        return ClusterKeys.read(dir);
    }

    public String joinToken() throws IOException {
        return value("join-token");
    }

    public String databasePassword() throws IOException {
        return value("db-password");
    }

    /** The Secrets {@value #KEYS_SECRET} and {@value #VALUES_SECRET} of namespace upc, base64 in {@code data}. */
    public Path manifest() {
        return dir.resolve("secrets.yaml");
    }

    /**
     * The values of {@value #VALUES_SECRET} as podman 4.3's {@code kube play} reads a secret for {@code secretKeyRef}:
     * a JSON object of base64 values (it cannot mount Secret volumes, and reads a Secret played from YAML wrongly).
     */
    public String podmanSecretJson() throws IOException {
        return JSON.writeValueAsString(data(VALUES_SECRET));
    }

    private Map<String, String> data(String secret) throws IOException {
        Map<String, String> data = new LinkedHashMap<>();
        for (String key : KEYS.get(secret)) {
            // the values go into environment variables: no trailing newline
            byte[] bytes = key.contains(".") ? Files.readAllBytes(dir.resolve(key))
                    : value(key).getBytes(StandardCharsets.UTF_8);
            data.put(key, Base64.getEncoder().encodeToString(bytes));
        }
        return data;
    }

    private String manifestYaml() throws IOException {
        StringBuilder yaml = new StringBuilder("# Made by ./upc k8s secrets: apply with kubectl apply -f; never commit it.\n");
        for (String secret : List.of(KEYS_SECRET, VALUES_SECRET)) {
            yaml.append("---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: ").append(secret)
                    .append("\n  namespace: upc\ntype: Opaque\ndata:\n");
            data(secret).forEach((key, value) -> yaml.append("  ").append(key).append(": ").append(value).append('\n'));
        }
        return yaml.toString();
    }

    /**
     * Lays the key files out under {@code target} as {@link #HOST_KEYS} says, a directory per service (mode 700, files
     * 400), owned by {@link #SERVICE_UID} when {@code chown} (which needs root).
     */
    public void writeHostKeys(Path target, boolean chown) throws IOException {
        for (var service : HOST_KEYS.entrySet()) {
            Path serviceDir = Files.createDirectories(target.resolve(service.getKey()));
            Files.setPosixFilePermissions(serviceDir, PosixFilePermissions.fromString("rwx------"));
            for (var file : service.getValue().entrySet()) {
                Path copy = serviceDir.resolve(file.getValue());
                Files.deleteIfExists(copy);
                Files.copy(dir.resolve(file.getKey()), copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("r--------"));
                owned(copy, chown);
            }
            owned(serviceDir, chown);
        }
    }

    private static void owned(Path path, boolean chown) throws IOException {
        if (chown) {
            Files.setAttribute(path, "unix:uid", SERVICE_UID);
            Files.setAttribute(path, "unix:gid", SERVICE_UID);
        }
    }

    /** Writes a fresh admin token (for {@code upc login}) to {@code admin-token}, mode 600; returns its path. */
    public Path writeAdminToken(Duration ttl) throws IOException {
        writePrivate("admin-token", keys().adminToken("admin", ttl));
        return dir.resolve("admin-token");
    }

    private String value(String name) throws IOException {
        return Files.readString(dir.resolve(name)).trim();
    }

    private void writePrivate(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content.endsWith("\n") ? content : content + "\n", StandardCharsets.UTF_8);
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return java.util.HexFormat.of().formatHex(random);
    }
}
