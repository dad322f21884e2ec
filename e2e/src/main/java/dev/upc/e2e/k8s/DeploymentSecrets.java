package dev.upc.e2e.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.e2e.cluster.ClusterKeys;
import dev.upc.servicehttp.Jwks;
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
 * The secrets of one deployment, as a directory of files (mode 600) that is made once and never committed: the
 * cluster's signing key ({@code private.pem}) and its public key set with key ids ({@code jwks.json}, so a second
 * key can join it for rotation), the join token PCs enrol with and the database password. From them
 * {@code secrets.yaml} holds the two Secrets the manifests name — {@value #KEYS_SECRET} (files mounted at
 * /etc/upc/jwt) and {@value #VALUES_SECRET} (environment) — for {@code kubectl apply -f}.
 */
public final class DeploymentSecrets {

    public static final String KEYS_SECRET = "upc-keys";
    public static final String VALUES_SECRET = "upc-secrets";
    /** The services' own certificate in overlay production-tls, made by cert-manager or the operator, not here. */
    public static final String TLS_SECRET = "upc-service-tls";
    /** The keys of each Secret: what the manifests may reference. */
    public static final Map<String, List<String>> KEYS = Map.of(
            KEYS_SECRET, List.of("private.pem", "jwks.json"),
            VALUES_SECRET, List.of("join-token", "db-password"),
            TLS_SECRET, List.of("tls.crt", "tls.key", "ca.crt"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;

    private DeploymentSecrets(Path dir) {
        this.dir = dir;
    }

    /** The secrets in {@code dir}: made there when it holds none, reused when it does (they are never rotated here). */
    public static DeploymentSecrets open(Path dir) throws IOException {
        DeploymentSecrets secrets = new DeploymentSecrets(dir);
        if (!Files.exists(dir.resolve("private.pem"))) {
            secrets.make();
        }
        return secrets;
    }

    private void make() throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        ClusterKeys keys = ClusterKeys.generate(dir);
        writePrivate("jwks.json", Jwks.jwkSet(List.of(Jwks.readPublicKey(keys.publicKeyPem()))));
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
