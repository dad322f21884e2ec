package dev.upc.cli.command;

import dev.upc.cli.render.ImageTable;
import dev.upc.cli.render.Sizes;
import dev.upc.cli.render.TransferProgress;
import dev.upc.protocol.ImageInfo;
import dev.upc.protocol.ImageList;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upc images …}: job images in the cluster's store (PCs load them from there: jobs have no network). */
@Command(name = "images", description = "Push job images to the cluster's store and list them.")
public final class ImagesCommand extends CommandGroup {

    private final Session session;

    ImagesCommand(Session session) {
        this.session = session;
    }

    @Command(name = "push", description = {"Push an image from the local podman (or a docker-archive file).",
            "Users push into their own name space: localhost/<user>/<name>:<tag>. Images are immutable."})
    int push(@Parameters(paramLabel = "IMAGE", description = "The reference jobs will name, e.g. "
                     + "localhost/alice/solver:1.") String reference,
             @Option(names = "--from-archive", paramLabel = "FILE",
                     description = "Push this docker-archive instead of asking podman ($UPC_PODMAN) for it.")
             Path archive,
             @Option(names = "--json", description = "Print the ImageInfo record.") boolean json) {
        if (archive != null) {
            return upload(reference, archive, json);
        }
        try (PodmanArchive saved = PodmanArchive.save(session.env(), reference)) {
            return upload(reference, saved.file(), json);
        }
    }

    private int upload(String reference, Path archive, boolean json) {
        TransferProgress progress = new TransferProgress(session.err(), session.env().stderrTerminal(),
                "uploading", reference);
        ImageInfo image = session.client().pushImage(reference, archive, progress);
        progress.finish();
        if (json) {
            session.printJson(image);
        } else {
            session.out().println(image.reference());
            session.say("pushed " + image.reference() + " (" + Sizes.bytes(image.sizeBytes()) + ")");
        }
        return ExitCode.OK;
    }

    @Command(name = "list", description = "List the images in the cluster's store.")
    int list(@Option(names = "--json", description = "Print {\"images\":[…],\"nextCursor\":null} (ImageList).")
             boolean json) {
        List<ImageInfo> images = session.client().images();
        if (json) {
            session.printJson(new ImageList(images, null));
        } else if (images.isEmpty()) {
            session.say("no images yet; 'upc images push IMAGE' adds one");
        } else {
            ImageTable.of(images, session.now()).print(session.out());
        }
        return ExitCode.OK;
    }
}
