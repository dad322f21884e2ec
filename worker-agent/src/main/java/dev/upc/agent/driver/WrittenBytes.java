package dev.upc.agent.driver;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a task wrote to its own file system: the sizes of the regular files in its writable layer's directory, as the
 * kubelet measures a pod's ephemeral storage where the file system has no project quotas. Symbolic links are not
 * followed (the task made them); files that vanish during the walk count as nothing; the walk stops as soon as the
 * count passes the point that matters.
 */
final class WrittenBytes {

    private WrittenBytes() {
    }

    /**
     * The bytes under {@code layer}, counted up to the first file that takes the total past {@code countTo}.
     *
     * @throws NoSuchFileException when {@code layer} itself does not exist (the task is gone, or was restored anew)
     */
    static long under(Path layer, long countTo) throws IOException {
        if (!Files.isDirectory(layer, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(layer.toString());
        }
        long[] total = {0};
        Files.walkFileTree(layer, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    total[0] += attrs.size();
                }
                return total[0] > countTo ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // removed while walking, or unreadable: not the task's bytes to count
            }
        });
        return total[0];
    }
}
