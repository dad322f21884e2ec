package dev.upc.agent.driver;

import dev.upc.agent.checkpoint.ImageFiles;
import dev.upc.agent.libpod.ImageStorage;
import dev.upc.agent.libpod.LibpodClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * A job's image as podman's overlay storage holds it on this PC: a path is a link if any layer has a link there (a
 * layer above may have replaced it, but a link anywhere is reason enough to refuse). The image is inspected once,
 * when first asked (its id, then its layers), which is after a restore's archive has ended and it is surely here.
 */
final class ImageLayers implements ImageFiles {

    private static final Logger LOG = Logger.getLogger(ImageLayers.class);

    private final LibpodClient libpod;
    private final String image;
    private ImageStorage storage;

    ImageLayers(LibpodClient libpod, String image) {
        this.libpod = libpod;
        this.image = image;
    }

    @Override
    public String id() {
        return storage().id();
    }

    @Override
    public boolean link(String path) {
        for (Path layer : storage().layers()) {
            if (Files.isSymbolicLink(layer.resolve(path))) {
                return true;
            }
        }
        return false;
    }

    /** One inspect of the image, for its id and its layers. */
    private ImageStorage storage() {
        if (storage == null) {
            storage = libpod.imageStorage(image);
            if (storage.layers().isEmpty()) {
                LOG.warnf("image %s: not in overlay storage; a restore's file changes are not checked against its "
                        + "links", image);
            }
        }
        return storage;
    }
}
