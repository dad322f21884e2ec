package dev.upc.registry.service;

import dev.upc.registry.config.RegistryConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.jboss.logging.Logger;

/**
 * Writes a fresh admin token to upc.registry.admin-token-file at start (like a kubeconfig): whoever can read
 * that file, and only they, administers the cluster (its aud names the registry, the scheduler and the store).
 * Replicas each write their own; all verify with one key.
 */
@ApplicationScoped
public class AdminTokenFile {

    private static final Logger LOG = Logger.getLogger(AdminTokenFile.class);

    void write(@Observes StartupEvent event, RegistryConfig config, RegistryTokens tokens) {
        config.adminTokenFile().ifPresent(file -> {
            IssuedToken token = tokens.forAdmin("registry-admin");
            try {
                Path dir = file.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                Path temp = Files.createTempFile(dir, ".admin-token-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(temp, token.token() + "\n");
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the admin token to " + file, e);
            }
            LOG.infof("wrote an admin token valid until %s to %s", token.expiresAt(), file);
        });
    }
}
