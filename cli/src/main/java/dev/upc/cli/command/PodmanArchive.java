package dev.upc.cli.command;

import dev.upc.cli.Env;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An image from the local podman as a docker-archive in a temporary directory, the format the PCs load (it keeps the
 * image id a checkpoint needs to restore): {@code podman image save --format docker-archive -o FILE IMAGE}.
 * Closing it deletes the archive.
 */
final class PodmanArchive implements AutoCloseable {

    private final Path directory;
    private final Path file;

    private PodmanArchive(Path directory) {
        this.directory = directory;
        this.file = directory.resolve("image.tar");
    }

    /** Runs podman ({@code $UPC_PODMAN} or the one on PATH) to save the image. */
    static PodmanArchive save(Env env, String reference) {
        String configured = env.variable("UPC_PODMAN");
        String podman = configured == null || configured.isBlank() ? "podman" : configured;
        PodmanArchive archive;
        try {
            archive = new PodmanArchive(Files.createTempDirectory("upc-image-"));
        } catch (IOException e) {
            throw CommandFailure.failed("cannot create a temporary directory for the image: " + e.getMessage());
        }
        List<String> command = List.of(podman, "image", "save", "--format", "docker-archive", "-o",
                archive.file.toString(), reference);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String said;
            try (InputStream out = process.getInputStream()) {
                said = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            int exit = process.waitFor();
            if (exit != 0) {
                throw CommandFailure.failed(String.join(" ", command) + " failed (exit " + exit + ")"
                        + (said.isEmpty() ? "" : ": " + said));
            }
            return archive;
        } catch (IOException e) {
            archive.close();
            throw CommandFailure.failed("cannot run " + podman + " (set UPC_PODMAN to its path): " + e.getMessage());
        } catch (InterruptedException e) {
            archive.close();
            Thread.currentThread().interrupt();
            throw CommandFailure.failed("interrupted while podman saved " + reference);
        } catch (RuntimeException e) {
            archive.close();
            throw e;
        }
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(directory);
        } catch (IOException ignored) {
            // a leftover file in the temporary directory is the system's to clean
        }
    }
}
