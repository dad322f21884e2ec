package dev.upc.agent.checkpoint;

import java.util.List;

/**
 * The checks on the container's file changes a checkpoint carries: {@code rootfs-diff.tar}, which podman untars into
 * the restored container's root as root, and {@code deleted.files}, whose paths it removes there. Every path must
 * stay inside the container (see {@link ContainerPaths}); the diff may hold files, directories, links and FIFOs, but
 * no device nodes. Once the job's image is on this PC, none of the directories they go through may be a link in it
 * ({@link #throughImage}).
 */
final class RootfsDiffCheck implements TarStream.Visitor {

    static final String DIFF_ENTRY = "rootfs-diff.tar";
    static final String DELETED_ENTRY = "deleted.files";

    private final ContainerPaths paths = new ContainerPaths();
    private final String what;

    /** @param archive the archive's name in refusals */
    RootfsDiffCheck(String archive) {
        this.what = archive + " entry";
    }

    @Override
    public void begin(TarStream.Entry entry) throws ArchiveRefusedException {
        String path = paths.inside(what, entry.name());
        switch (entry.type()) {
            case '0', '5', '6' -> paths.made(path, entry.type());
            case '2' -> paths.made(path, '2'); // podman checks where it points (inside) before it makes it
            case '1' -> {
                paths.inside(what + " " + entry.name() + " links to", entry.linkName());
                paths.made(path, '1');
            }
            case '3', '4' -> throw new ArchiveRefusedException(what + " " + entry.name() + " is a device node");
            default -> throw new ArchiveRefusedException(what + " " + entry.name() + " is of tar type "
                    + entry.type());
        }
    }

    @Override
    public void content(byte[] bytes, int offset, int length) {
    }

    @Override
    public void end(TarStream.Entry entry) {
    }

    /**
     * Refuses the changes if a directory they go through, and did not make themselves, is a symbolic link in the
     * job's image.
     */
    void throughImage(ImageFiles image) throws ArchiveRefusedException {
        for (String directory : paths.throughImage()) {
            boolean link;
            try {
                link = image.link(directory);
            } catch (java.io.IOException e) {
                throw new ArchiveRefusedException("cannot look up " + directory + " in the job's image: "
                        + e.getMessage());
            }
            if (link) {
                throw new ArchiveRefusedException("the file changes go through " + directory
                        + ", a symbolic link in the job's image");
            }
        }
    }

    /** {@code deleted.files}: a JSON list of paths, checked against the links of the whole diff. */
    void deleted(byte[] json) throws ArchiveRefusedException {
        Object parsed;
        try {
            parsed = dev.upc.agent.json.JsonText.parse(new String(json, java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new ArchiveRefusedException(DELETED_ENTRY + " is not JSON: " + e.getMessage());
        }
        if (!(parsed instanceof List<?> list)) {
            throw new ArchiveRefusedException(DELETED_ENTRY + " is not a JSON list");
        }
        for (Object item : list) {
            if (!(item instanceof String path)) {
                throw new ArchiveRefusedException(DELETED_ENTRY + " holds something other than paths");
            }
            if (paths.inside(DELETED_ENTRY + " path", path).isEmpty()) {
                throw new ArchiveRefusedException(DELETED_ENTRY + " removes the container's whole root");
            }
        }
    }
}
