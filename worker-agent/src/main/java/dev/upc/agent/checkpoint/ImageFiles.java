package dev.upc.agent.checkpoint;

import java.io.IOException;

/**
 * The job's image as this PC stores it: whether a path of its root file system is a symbolic link. podman applies a
 * checkpoint's file changes to the restored container's root without resolving links, so a change below a link of
 * the image (Debian's {@code /var/run -> /run}, for one) would be written on the host.
 */
public interface ImageFiles {

    /** Whether {@code path} (relative to the image's root, cleaned) is a symbolic link in any layer of the image. */
    boolean link(String path) throws IOException;

    /** The image's id on this PC: podman builds the restored container's root from the id the archive names. */
    String id() throws IOException;
}
