package dev.upc.e2e.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code ./upc k8s secrets [--dir DIR]}: makes a deployment's secrets once and says how to install them. */
public final class SecretsCommand {

    private static final Duration ADMIN_TOKEN_TTL = Duration.ofDays(30);

    private SecretsCommand() {
    }

    public static int main(List<String> args, Path repo) {
        Path dir = repo.resolve(".upc/k8s/secrets");
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--dir") && i + 1 < args.size()) {
                dir = Path.of(args.get(++i)).toAbsolutePath();
            } else {
                System.err.println("usage: ./upc k8s secrets [--dir DIR]   (default .upc/k8s/secrets)");
                return 2;
            }
        }
        try {
            boolean existed = Files.exists(dir.resolve("private.pem"));
            DeploymentSecrets secrets = DeploymentSecrets.open(dir);
            System.out.println((existed ? "kept the secrets already in " : "made new secrets in ") + secrets.dir()
                    + " (mode 600; never commit them):");
            System.out.println("  private.pem   the cluster's signing key (kid " + secrets.keys().keyId() + ")");
            System.out.println("  jwks.json     its public key set, what every service verifies tokens with");
            System.out.println("  join-token    what PCs enrol with;  db-password  the database role upc's");
            Path admin = secrets.writeAdminToken(ADMIN_TOKEN_TTL);
            System.out.println("  admin-token   a fresh admin token for the upc command line, valid "
                    + ADMIN_TOKEN_TTL.toDays() + " days (each run makes a new one)");
            System.out.println("Kubernetes:  kubectl create namespace upc && kubectl apply -f " + secrets.manifest());
            System.out.println("One server:  install -d -m 700 -o 10001 -g 10001 /etc/upc/keys && install -m 400 -o 10001"
                    + " " + dir.resolve("private.pem") + " " + dir.resolve("jwks.json") + " /etc/upc/keys/");
            System.out.println("             podman secret create upc-secrets " + dir.resolve("podman-secret.json"));
            System.out.println("Then:        upc login --server https://<your Ingress host> --token-file " + admin);
            return 0;
        } catch (IOException e) {
            System.err.println("upc: cannot make the secrets in " + dir + ": " + e.getMessage());
            return 1;
        }
    }
}
