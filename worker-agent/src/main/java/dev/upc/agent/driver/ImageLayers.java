package dev.upc.agent.driver;

import dev.upc.agent.checkpoint.ImageFiles;
import dev.upc.agent.libpod.LibpodClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * A job's image as podman's overlay storage holds it on this PC: a path is a link if any layer has a link there (a
 * layer above may have replaced it, but a link anywhere is reason enough to refuse). The layers are looked up once,
 * when first asked, which is after a restore's archive has ended and the image is surely here.
 */
final class ImageLayers implements ImageFiles {

    private static final Logger LOG = Logger.getLogger(ImageLayers.class);

    private final LibpodClient libpod;
    private final String image;
    private List<Path> layers;

    ImageLayers(LibpodClient libpod, String image) {
        this.libpod = libpod;
        this.image = image;
    }

    @Override
    public String id() {
        return libpod.imageId(image);
    }

    @Override
    public boolean link(String path) {
        if (layers == null) {
            layers = libpod.imageLayers(image);
            if (layers.isEmpty()) {
                LOG.warnf("image %s: not in overlay storage; a restore's file changes are not checked against its "
                        + "links", image);
            }
        }
        for (Path layer : layers) {
            if (Files.isSymbolicLink(layer.resolve(path))) {
                return true;
            }
        }
        return false;
    }
}
