package dev.upc.agent.libpod;

import java.nio.file.Path;
import java.util.List;

/**
 * An image as podman stores it on this host.
 *
 * @param id     its full id
 * @param layers its layers' directories, topmost first, when podman uses the overlay driver; empty for another
 */
public record ImageStorage(String id, List<Path> layers) {

    public ImageStorage {
        layers = List.copyOf(layers);
    }
}
