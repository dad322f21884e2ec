package dev.upc.e2e.k8s;

import dev.upc.protocol.Tokens.Issuer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code ./upc k8s secrets [--dir DIR] [--host-keys DIR]}: makes a deployment's secrets once and says how to install
 * them; with {@code --host-keys}, also lays the key files out for the services on one server (the local overlay).
 */
public final class SecretsCommand {

    private static final Duration ADMIN_TOKEN_TTL = Duration.ofDays(30);

    private SecretsCommand() {
    }

    public static int main(List<String> args, Path repo) {
        Path dir = repo.resolve(".upc/k8s/secrets");
        Path hostKeys = null;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--dir") && i + 1 < args.size()) {
                dir = Path.of(args.get(++i)).toAbsolutePath();
            } else if (args.get(i).equals("--host-keys") && i + 1 < args.size()) {
                hostKeys = Path.of(args.get(++i)).toAbsolutePath();
            } else {
                System.err.println("usage: ./upc k8s secrets [--dir DIR] [--host-keys DIR]   (default .upc/k8s/secrets;"
                        + " --host-keys /etc/upc/keys on one server, as root)");
                return 2;
            }
        }
        try {
            boolean existed = Files.exists(dir.resolve("registry-private.pem"));
            DeploymentSecrets secrets = DeploymentSecrets.open(dir);
            System.out.println((existed ? "kept the secrets already in " : "made new secrets in ") + secrets.dir()
                    + " (mode 600; never commit them):");
            System.out.println("  registry-private.pem, scheduler-private.pem   each service's own signing key: worker"
                    + " tokens; user, capability and service tokens");
            System.out.println("  admin-private.pem   the operator's key for admin tokens: it never goes into the"
                    + " cluster (kid " + secrets.keys().keyId(Issuer.ADMIN) + ")");
            System.out.println("  jwks.json     the public keys, what every service verifies tokens with (each only of"
                    + " its issuer's kinds)");
            System.out.println("  join-token    what PCs enrol with;  db-password  the database role upc's");
            Path admin = secrets.writeAdminToken(ADMIN_TOKEN_TTL);
            System.out.println("  admin-token   a fresh admin token for the upc command line, valid "
                    + ADMIN_TOKEN_TTL.toDays() + " days (each run makes a new one)");
            if (hostKeys != null) {
                secrets.writeHostKeys(hostKeys, true);
                System.out.println("  laid out under " + hostKeys + ": registry/, scheduler/ and store/, each for that"
                        + " service alone (uid " + DeploymentSecrets.SERVICE_UID + ")");
            }
            System.out.println("Kubernetes:  kubectl create namespace upc && kubectl apply -f " + secrets.manifest());
            System.out.println("One server:  ./upc k8s secrets --host-keys /etc/upc/keys   (as root)");
            System.out.println("             podman secret create upc-secrets " + dir.resolve("podman-secret.json"));
            System.out.println("Then:        upc login --server https://<your Ingress host> --token-file " + admin);
            return 0;
        } catch (IOException | IllegalStateException e) {
            System.err.println("upc: cannot make the secrets in " + dir + ": " + e.getMessage());
            return 1;
        }
    }
}
