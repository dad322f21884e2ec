package dev.upc.agent.facts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The PC's stable id. {@code /etc/machine-id} first, as it survives reinstalling the agent; where it is
 * missing or empty (some containers and minimal images), an id generated once and kept in the agent's
 * state directory.
 */
public final class MachineIdentity {

    private static final Pattern MACHINE_ID = Pattern.compile("[0-9a-f]{32}");

    private MachineIdentity() {
    }

    /**
     * @param machineIdFile  usually {@code /etc/machine-id}
     * @param generatedFile  where a generated id is kept, e.g. {@code <state dir>/machine-id}
     */
    public static String load(Path machineIdFile, Path generatedFile) {
        return read(machineIdFile).or(() -> read(generatedFile)).orElseGet(() -> generate(generatedFile));
    }

    /** The id in the file's first line when it is a valid machine id (32 lower-case hex digits). */
    static Optional<String> parse(String content) {
        String id = content.strip();
        return MACHINE_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    private static Optional<String> read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new MachineFactsException("cannot read machine id from " + file, e);
        }
    }

    private static String generate(Path file) {
        String id = UUID.randomUUID().toString().replace("-", "");
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            // Written aside and moved in, so a crash never leaves a half-written id behind.
            Path temp = Files.createTempFile(dir, ".machine-id", ".tmp");
            Files.writeString(temp, id + "\n", StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new MachineFactsException("cannot store a generated machine id in " + file, e);
        }
        return id;
    }
}
