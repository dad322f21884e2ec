package dev.upc.store.testing;

import dev.upc.store.config.StoreConfig;
import io.quarkus.runtime.configuration.MemorySize;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** A {@link StoreConfig} for tests that build the store's parts by hand, with the production defaults. */
public record TestStoreConfig(Path directory, long minFree, boolean directIo) implements StoreConfig {

    public TestStoreConfig(Path directory) {
        this(directory, 0);
    }

    public TestStoreConfig(Path directory, long minFree) {
        this(directory, minFree, true);
    }

    /** The same store writing uploads through the page cache. */
    public TestStoreConfig buffered() {
        return new TestStoreConfig(directory, minFree, false);
    }

    @Override
    public Duration verifiedTtl() {
        return Duration.ofMinutes(10);
    }

    @Override
    public Duration uploadIdleTimeout() {
        return Duration.ofSeconds(60);
    }

    @Override
    public Duration uploadWaitTimeout() {
        return Duration.ofSeconds(30);
    }

    @Override
    public int maxConcurrentUploads() {
        return 8;
    }

    @Override
    public int maxWaitingUploads() {
        return 64;
    }

    @Override
    public Map<String, MemorySize> maxBlobSize() {
        return Map.of();
    }

    @Override
    public MemorySize minFreeBytes() {
        return new MemorySize(BigInteger.valueOf(minFree));
    }

    @Override
    public Retention retention() {
        return new Retention() {
            @Override
            public String sweepInterval() {
                return "off";
            }

            @Override
            public OptionalInt keepPerJob() {
                return OptionalInt.of(3);
            }

            @Override
            public String jobIdPattern() {
                return "(?<job>.+)-\\d{1,18}-\\d{1,18}";
            }

            @Override
            public Map<String, Duration> maxAge() {
                return Map.of("checkpoints", Duration.ofDays(7));
            }

            @Override
            public Optional<MemorySize> sizeBudget() {
                return Optional.empty();
            }
        };
    }
}
