package dev.upc.registry.service;

import dev.upc.registry.config.RegistryConfig;
import dev.upc.servicehttp.ServiceNotReadyException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.jboss.logging.Logger;

/**
 * Writes a fresh admin token to upc.registry.admin-token-file at start (like a kubeconfig): whoever can read
 * that file, and only they, administers the cluster (its aud names the registry, the scheduler and the store).
 * Replicas each write their own; all verify with one key. Unset (the default, and in containers), nothing is written:
 * the scheduler mints its own admin token for the registry. A file that cannot be written is one log line, not a failed
 * start: the file is a convenience for the operator, the registry works without it.
 */
@ApplicationScoped
public class AdminTokenFile {

    private static final Logger LOG = Logger.getLogger(AdminTokenFile.class);

    void write(@Observes StartupEvent event, RegistryConfig config, RegistryTokens tokens) {
        config.adminTokenFile().ifPresent(file -> {
            IssuedToken token;
            try {
                token = tokens.forAdmin("registry-admin");
            } catch (ServiceNotReadyException e) {
                return; // no signing key: already reported
            }
            try {
                Path dir = file.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                Path temp = Files.createTempFile(dir, ".admin-token-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(temp, token.token() + "\n");
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                LOG.errorf("cannot write the admin token to %s (UPC_ADMIN_TOKEN_FILE; empty writes none): %s", file, e);
                return;
            }
            LOG.infof("wrote an admin token valid until %s to %s", token.expiresAt(), file);
        });
    }
}
