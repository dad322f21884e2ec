package dev.upc.agent.state;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Run as its own process by AgentStateTest: prints whether another process holds the lock file {@code args[0]}. */
public final class LockProbe {

    public static void main(String[] args) throws Exception {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            System.out.print(channel.tryLock() == null ? "held" : "free");
        }
    }
}
