package dev.upc.agent.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * The secret a state-changing request to the {@link LocalEndpoint} must carry ({@code Authorization: Bearer …}), kept
 * in {@code <state-dir>/local.token}. Whoever can read that file may change the owner's settings: root, and the
 * members of {@code upc.agent.local-group} when one is set (mode 0640), nobody else (0600). A web page cannot read it,
 * and another local user cannot either, so neither can drive the endpoint (Docker's socket and Jupyter's token follow
 * the same idea). The file is kept across restarts so that a client that read it stays valid; its mode and group are
 * set again at every start.
 */
public final class LocalSecret {

    /** The file under the state directory. */
    public static final String FILE = "local.token";
    private static final String SCHEME = "Bearer ";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> WITH_GROUP = PosixFilePermissions.fromString("rw-r-----");

    private final byte[] value;

    private LocalSecret(String value) {
        this.value = value.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The secret in {@code stateDir}, made (32 random bytes) when missing or not one of ours, its file given mode 0600,
     * or 0640 and {@code group}.
     *
     * @throws IllegalArgumentException when {@code group} is no group of this system
     * @throws UncheckedIOException     when the file cannot be read, written or given its mode
     */
    public static LocalSecret openOrCreate(Path stateDir, Optional<String> group) {
        Path file = stateDir.resolve(FILE);
        try {
            Optional<String> kept = Files.isRegularFile(file) ? wellFormed(Files.readString(file)) : Optional.empty();
            String value = kept.orElseGet(LocalSecret::fresh);
            if (kept.isEmpty()) {
                Path temporary = stateDir.resolve(FILE + ".new");
                Files.deleteIfExists(temporary);
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                Files.writeString(temporary, value + "\n", StandardCharsets.US_ASCII);
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            protect(file, group);
            return new LocalSecret(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the local endpoint's secret in " + file + ": " + e, e);
        }
    }

    /** For tests and for a client that has read the file. */
    static LocalSecret of(String value) {
        return new LocalSecret(value);
    }

    /**
     * What {@code upc-agent owner …} sends: the secret read from {@code stateDir}.
     *
     * @throws IllegalStateException with a message for the person at the terminal when it cannot be read
     */
    static String read(Path stateDir) {
        Path file = stateDir.resolve(FILE);
        try {
            return wellFormed(Files.readString(file)).orElseThrow(() -> new IllegalStateException(file
                    + " does not hold the agent's local secret; restart the agent to write it again"));
        } catch (AccessDeniedException e) {
            throw new IllegalStateException("cannot read " + file + ": changing the owner's settings needs root or"
                    + " membership of the group set as upc.agent.local-group", e);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("no " + file + ": the agent writes it when it starts (is it running,"
                    + " with this upc.agent.state-dir?)", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether an {@code Authorization} header value carries this secret (compared in constant time). */
    boolean admits(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] given = authorization.substring(SCHEME.length()).strip().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(value, given);
    }

    String value() {
        return new String(value, StandardCharsets.US_ASCII);
    }

    private static void protect(Path file, Optional<String> group) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (group.isPresent()) {
            GroupPrincipal principal;
            try {
                principal = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group.get());
            } catch (IOException e) {
                throw new IllegalArgumentException("upc.agent.local-group: no group " + group.get() + " here", e);
            }
            view.setGroup(principal);
        }
        view.setPermissions(group.isPresent() ? WITH_GROUP : OWNER_ONLY);
    }

    private static Optional<String> wellFormed(String text) {
        String value = text.strip();
        return value.matches("[A-Za-z0-9_-]{43}") ? Optional.of(value) : Optional.empty();
    }

    private static String fresh() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
