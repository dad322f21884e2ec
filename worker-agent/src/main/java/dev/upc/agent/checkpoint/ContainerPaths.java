package dev.upc.agent.checkpoint;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Paths inside the restored container's root file system, as podman joins them to it: cleaned like Go's
 * {@code filepath.Clean}, a leading slash meaning the container's root. podman writes the root file-system diff and
 * removes the deleted files without resolving symbolic links inside the container, so a path through a link the
 * archive itself made ({@code x -> /}, then {@code x/etc/cron.d/job}) reaches the host: such paths are refused at
 * once. The directories a path goes through that the archive did not make itself are remembered, to be looked up
 * in the job's image once it is there ({@link #throughImage}).
 */
final class ContainerPaths {

    /** More directories than a job's changes go through; a bound on what an archive makes this PC remember. */
    static final int MAX_DIRECTORIES = 65_536;

    private final Set<String> links = new HashSet<>();
    private final Set<String> directories = new HashSet<>();
    private final Set<String> throughImage = new HashSet<>();

    /** The cleaned path without its leading slash ({@code ""} for the root); empty when it climbs out of the root. */
    static Optional<String> clean(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return Optional.empty();
                }
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return Optional.of(String.join("/", parts));
    }

    /**
     * The cleaned path, checked: inside the root and not through a link seen before.
     *
     * @param what how refusals name it, e.g. {@code rootfs-diff.tar entry}
     */
    String inside(String what, String path) throws ArchiveRefusedException {
        Optional<String> clean = clean(path);
        if (clean.isEmpty()) {
            throw new ArchiveRefusedException(what + " " + path + " is outside the container");
        }
        String at = clean.get();
        for (int slash = at.indexOf('/'); slash >= 0; slash = at.indexOf('/', slash + 1)) {
            String ancestor = at.substring(0, slash);
            if (links.contains(ancestor)) {
                throw new ArchiveRefusedException(what + " " + path + " goes through the symbolic link " + ancestor
                        + " the archive made");
            }
            if (!directories.contains(ancestor) && throughImage.add(ancestor)
                    && throughImage.size() > MAX_DIRECTORIES) {
                throw new ArchiveRefusedException(what + "s go through more than " + MAX_DIRECTORIES
                        + " directories");
            }
        }
        return at;
    }

    /**
     * What is at {@code path} now: a link, a directory, or something else. A hard link counts as a symbolic link: one
     * to a symbolic link is one ({@code link(2)} does not follow it).
     */
    void made(String path, char type) {
        if (type == '2' || type == '1') {
            links.add(path);
        } else {
            links.remove(path);
        }
        if (type == '5') {
            directories.add(path);
        } else {
            directories.remove(path);
        }
    }

    /** Directories the paths went through that the archive did not make, shortest first. */
    List<String> throughImage() {
        return throughImage.stream().sorted(java.util.Comparator.comparingInt(String::length)
                .thenComparing(java.util.Comparator.naturalOrder())).toList();
    }
}
