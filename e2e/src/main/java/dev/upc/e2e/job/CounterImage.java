package dev.upc.e2e.job;

import dev.upc.agent.libpod.LibpodClient;
import dev.upc.e2e.pc.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * The reference job image, built without a registry: a root file system of static busybox and the
 * static {@code upc-counter} program ({@code jobs/counter/counter.c}), imported once through libpod,
 * saved as an image archive and loaded into every other PC. Loading keeps the image id, and a
 * checkpoint restores only where its image has the same id (separate imports would not).
 */
public final class CounterImage {

    public static final String REFERENCE = "localhost/upc/counter:1";
    public static final String PROGRAM = "/usr/local/bin/upc-counter";

    private final Path rootfsTar;
    private final Path imageArchive;

    private CounterImage(Path rootfsTar) {
        this.rootfsTar = rootfsTar;
        this.imageArchive = rootfsTar.resolveSibling("counter-image.tar");
    }

    /** Builds the image's root file system tarball once per source change, under {@code workDir}. */
    public static CounterImage build(Path workDir) {
        Path source = RepoFiles.find("jobs/counter/counter.c");
        Path tarball = workDir.toAbsolutePath().resolve("counter-rootfs.tar");
        try {
            if (Files.exists(tarball)
                    && Files.getLastModifiedTime(tarball).compareTo(Files.getLastModifiedTime(source)) > 0) {
                return new CounterImage(tarball);
            }
            Path rootfs = Files.createDirectories(tarball.resolveSibling("counter-rootfs"));
            for (String dir : List.of("bin", "tmp", "out", "usr/local/bin")) {
                Files.createDirectories(rootfs.resolve(dir));
            }
            Files.setPosixFilePermissions(rootfs.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
            Path busybox = Path.of("/bin/busybox");
            if (!Files.isExecutable(busybox)) {
                throw new IllegalStateException("/bin/busybox is missing: run ./upc setup (package busybox-static)");
            }
            Files.copy(busybox, rootfs.resolve("bin/busybox"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(rootfs.resolve("bin/sh"));
            Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
            Processes.run(List.of("gcc", "-O2", "-static", "-o", rootfs.resolve("usr/local/bin/upc-counter").toString(),
                    source.toString()), Duration.ofMinutes(2), null);
            Path partial = tarball.resolveSibling("counter-rootfs.tar.partial");
            Processes.run(List.of("tar", "--owner=0", "--group=0", "--numeric-owner", "-C", rootfs.toString(),
                    "-cf", partial.toString(), "."), Duration.ofMinutes(1), null);
            Files.move(partial, tarball, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new CounterImage(tarball);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the counter job image", e);
        }
    }

    /** The image as a {@code docker-archive}, made through {@code pc} the first time it is needed. */
    public synchronized Path archive(LibpodClient pc) {
        try {
            if (Files.exists(imageArchive)
                    && Files.getLastModifiedTime(imageArchive).compareTo(Files.getLastModifiedTime(rootfsTar)) > 0) {
                return imageArchive;
            }
            try (InputStream in = Files.newInputStream(rootfsTar)) {
                pc.importImage(in, Files.size(rootfsTar), REFERENCE);
            }
            Path partial = imageArchive.resolveSibling(imageArchive.getFileName() + ".partial");
            try (InputStream image = pc.exportImage(REFERENCE)) {
                Files.copy(image, partial, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(partial, imageArchive, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return imageArchive;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the counter image archive", e);
        }
    }

    /** Makes sure the PC holds the image, with the same id as on every other PC. */
    public void ensureOn(LibpodClient pc) {
        Path archive = archive(pc);
        if (pc.imageExists(REFERENCE)) {
            return;
        }
        try (InputStream in = Files.newInputStream(archive)) {
            pc.loadImage(in, Files.size(archive));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + archive, e);
        }
    }

    /** The command line of a counter job holding {@code memMiB} of memory and ticking every {@code intervalMs}. */
    public static List<String> counter(int memMiB, int intervalMs) {
        return List.of(PROGRAM, "--mem", String.valueOf(memMiB), "--interval-ms", String.valueOf(intervalMs));
    }
}
