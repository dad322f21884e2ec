package dev.upc.cli.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetResolverTest {

    @TempDir
    Path dir;

    private ContextStore store;

    @BeforeEach
    void twoContexts() {
        store = new ContextStore(dir.resolve("config.json"));
        store.save(ContextConfig.empty()
                .withCurrent("lab", new Context("http://lab:8080", null, dir.resolve("lab.token").toString()))
                .withCurrent("home", new Context("http://home:8080", "home-token", null)));
    }

    @Test
    void theCurrentContextIsUsedWhenNothingElseSays() {
        Target target = new TargetResolver(Map.of(), store).resolve(TargetChoice.none());
        assertThat(target.server()).isEqualTo(URI.create("http://home:8080"));
        assertThat(target.token().token()).isEqualTo("home-token");
        assertThat(target.contextName()).isEqualTo("home");
    }

    @Test
    void theEnvironmentOverridesTheContextAndFlagsOverrideBoth() throws IOException {
        Map<String, String> env = Map.of("UPC_SERVER", "http://env:1", "UPC_TOKEN", "env-token");
        Target fromEnv = new TargetResolver(env, store).resolve(TargetChoice.none());
        assertThat(fromEnv.server()).isEqualTo(URI.create("http://env:1"));
        assertThat(fromEnv.token().token()).isEqualTo("env-token");

        Path file = Files.writeString(dir.resolve("flag.token"), "flag-token\n");
        Target fromFlags = new TargetResolver(env, store).resolve(new TargetChoice(null, "http://flag:2", file));
        assertThat(fromFlags.server()).isEqualTo(URI.create("http://flag:2"));
        assertThat(fromFlags.token().token()).isEqualTo("flag-token");
    }

    @Test
    void aNamedContextFillsWhatTheEnvironmentLeavesOpen() throws IOException {
        Files.writeString(dir.resolve("lab.token"), "lab-token-1");
        Target target = new TargetResolver(Map.of("UPC_SERVER", "http://env:1"), store)
                .resolve(new TargetChoice("lab", null, null));
        assertThat(target.server()).isEqualTo(URI.create("http://env:1"));
        assertThat(target.token().token()).isEqualTo("lab-token-1");

        Files.writeString(dir.resolve("lab.token"), "lab-token-2");
        assertThat(target.token().token()).as("a rotated token file is read again").isEqualTo("lab-token-2");
    }

    @Test
    void aTokenFileFromTheEnvironmentIsUsedWithoutAToken() throws IOException {
        Path file = Files.writeString(dir.resolve("env.token"), "from-file");
        Target target = new TargetResolver(Map.of("UPC_SERVER", "http://env:1", "UPC_TOKEN_FILE", file.toString()),
                new ContextStore(dir.resolve("none.json"))).resolve(TargetChoice.none());
        assertThat(target.token().token()).isEqualTo("from-file");
        assertThat(target.contextName()).isNull();
    }

    @Test
    void theCaFileComesFromTheFlagElseTheEnvironmentElseTheContext() {
        store.save(store.load().withCurrent("tls", new Context("https://tls:8443", "t", null, "/etc/upc/ca.crt")));
        TargetResolver saved = new TargetResolver(Map.of(), store);
        assertThat(saved.resolve(TargetChoice.none()).caFile()).isEqualTo(Path.of("/etc/upc/ca.crt"));

        TargetResolver env = new TargetResolver(Map.of("UPC_CA_FILE", "/env/ca.crt"), store);
        assertThat(env.resolve(TargetChoice.none()).caFile()).isEqualTo(Path.of("/env/ca.crt"));
        assertThat(env.resolve(new TargetChoice(null, null, null, Path.of("/flag/ca.crt"))).caFile())
                .isEqualTo(Path.of("/flag/ca.crt"));
        assertThat(new TargetResolver(Map.of(), store).resolve(new TargetChoice("home", null, null)).caFile())
                .as("a context saved without one: the JVM's list").isNull();
    }

    @Test
    void anUnknownContextIsNotFound() {
        assertThatThrownBy(() -> new TargetResolver(Map.of(), store).resolve(new TargetChoice("nope", null, null)))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.notFound()).isTrue();
                    assertThat(e.getMessage()).contains("no context named nope");
                });
    }

    @Test
    void withoutAServerTheMessageSaysHowToGiveOne() {
        assertThatThrownBy(() -> new TargetResolver(Map.of(), new ContextStore(dir.resolve("none.json")))
                .resolve(TargetChoice.none())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("upc login --server URL");
    }

    @Test
    void aServerMustBeAnHttpUrl() {
        assertThatThrownBy(() -> TargetResolver.serverUrl("lab:8080")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("http://");
        assertThat(TargetResolver.serverUrl(" https://lab/ ")).isEqualTo(URI.create("https://lab/"));
    }
}
