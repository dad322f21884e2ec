package dev.upc.cli.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextStoreTest {

    @TempDir
    Path home;

    @Test
    void savedContextsAreReadableByTheirOwnerOnly() throws IOException {
        Path file = home.resolve("config/upc/config.json");
        ContextStore store = new ContextStore(file);
        store.save(ContextConfig.empty().withCurrent("lab", new Context("http://lab:8080", "tok", null)));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        ContextConfig loaded = store.load();
        assertThat(loaded.current()).isEqualTo("lab");
        assertThat(loaded.contexts()).containsEntry("lab", new Context("http://lab:8080", "tok", null));
        try (var leftovers = Files.list(file.getParent())) {
            assertThat(leftovers).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void aSecondSaveReplacesTheFileWhole() {
        ContextStore store = new ContextStore(home.resolve("c.json"));
        store.save(ContextConfig.empty().withCurrent("a", new Context("http://a", null, "/t")));
        store.save(store.load().withCurrent("b", new Context("http://b", "x", null)));
        ContextConfig loaded = store.load();
        assertThat(loaded.contexts()).containsOnlyKeys("a", "b");
        assertThat(loaded.current()).isEqualTo("b");
    }

    @Test
    void noFileMeansNoContexts() {
        assertThat(new ContextStore(home.resolve("missing.json")).load()).isEqualTo(ContextConfig.empty());
    }

    @Test
    void aFileOfANewerFormatIsRefused() throws IOException {
        Path file = Files.writeString(home.resolve("c.json"), "{\"formatVersion\":2,\"contexts\":{}}");
        assertThatThrownBy(() -> new ContextStore(file).load()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("newer upc");
    }

    @Test
    void theFileIsFoundFromTheEnvironment() {
        assertThat(ContextStore.location(Map.of("UPC_CONFIG", "/x/c.json", "XDG_CONFIG_HOME", "/xdg", "HOME", "/h")))
                .isEqualTo(Path.of("/x/c.json"));
        assertThat(ContextStore.location(Map.of("XDG_CONFIG_HOME", "/xdg", "HOME", "/h")))
                .isEqualTo(Path.of("/xdg/upc/config.json"));
        assertThat(ContextStore.location(Map.of("HOME", "/h"))).isEqualTo(Path.of("/h/.config/upc/config.json"));
    }
}
