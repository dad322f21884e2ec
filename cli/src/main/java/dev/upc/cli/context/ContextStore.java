package dev.upc.cli.context;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.upc.cli.client.ProtocolJson;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the contexts file. It holds tokens, so it is only ever readable by its owner: written to a 0600
 * temporary file in a 0700 directory and renamed over the old one, so a crash never leaves half a file.
 */
public final class ContextStore {

    private static final ObjectMapper JSON = ProtocolJson.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private final Path file;

    public ContextStore(Path file) {
        this.file = file;
    }

    /** Where the contexts are kept: {@code $UPC_CONFIG}, else under {@code $XDG_CONFIG_HOME} or {@code ~/.config}. */
    public static Path location(Map<String, String> environment) {
        String explicit = environment.get("UPC_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = environment.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "upc", "config.json");
        }
        String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".config", "upc", "config.json");
    }

    public Path file() {
        return file;
    }

    /** The saved contexts; none when the file does not exist yet. */
    public ContextConfig load() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return ContextConfig.empty();
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        ContextConfig config;
        try {
            config = JSON.readValue(bytes, ContextConfig.class);
        } catch (IOException e) {
            throw new ConfigException(file + " is not a upc contexts file: " + e.getMessage());
        }
        if (config.formatVersion() > ContextConfig.FORMAT_VERSION) {
            throw new ConfigException(file + " was written by a newer upc (format " + config.formatVersion()
                    + "); this one reads format " + ContextConfig.FORMAT_VERSION);
        }
        return config;
    }

    public void save(ContextConfig config) {
        try {
            Path directory = file.toAbsolutePath().getParent();
            createPrivateDirectory(directory);
            Path temporary = Files.createTempFile(directory, ".config-", ".tmp", ownerOnly(OWNER_FILE));
            try {
                Files.write(temporary, JSON.writeValueAsBytes(config));
                move(temporary, file);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static void createPrivateDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        try {
            Files.createDirectories(directory.getParent());
            Files.createDirectory(directory, ownerOnly(OWNER_DIRECTORY));
        } catch (FileAlreadyExistsException raced) {
            // another upc made it meanwhile
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static FileAttribute<?>[] ownerOnly(Set<PosixFilePermission> permissions) {
        boolean posix = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }
}
