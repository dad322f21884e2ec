package dev.upc.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.cli.client.ProtocolJson;
import dev.upc.cli.testing.CliRun;
import dev.upc.cli.testing.FakeApi;
import dev.upc.cli.testing.Samples;
import dev.upc.protocol.Identity;
import dev.upc.protocol.JobList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** login, whoami, contexts and the global options, in-process. */
class LoginAndContextsTest {

    @TempDir
    Path home;

    private final FakeApi api = FakeApi.start();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void loginChecksTheTokenSavesTheContextAndLaterCommandsUseIt() throws IOException {
        api.json("GET", "/api/v1/whoami", 200, new Identity("alice", "user", List.of("user"),
                Samples.NOW.plusSeconds(29 * 86_400)));
        CliRun.Result login = CliRun.in(home).run("login", "--server", api.url().toString(), "--token", "alice-token");
        assertThat(login.code()).as(login.toString()).isZero();
        assertThat(login.err()).contains("logged in to " + api.url() + " as alice (user, token expires in 29d)",
                "saved as context 'default'");
        Path config = home.resolve("upc/config.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");

        CliRun.Result whoami = CliRun.in(home).run("whoami");
        assertThat(whoami.code()).isZero();
        assertThat(whoami.out()).contains("NAME      alice", "KIND      user", "EXPIRES   in 29d",
                "CONTEXT   default");
        assertThat(api.requests()).extracting(FakeApi.Request::authorization).containsOnly("Bearer alice-token");

        CliRun.Result json = CliRun.in(home).run("whoami", "--json");
        assertThat(ProtocolJson.MAPPER.readValue(json.out(), Identity.class).name()).isEqualTo("alice");
    }

    @Test
    void loginWithATokenFileSavesThePathNotTheToken() throws IOException {
        api.json("GET", "/api/v1/whoami", 200, new Identity("alice", "user", List.of("user"), null));
        Path token = Files.writeString(home.resolve("alice.token"), "file-token\n");
        CliRun.Result login = CliRun.in(home).run("login", "--server", api.url().toString(), "--token-file",
                token.toString(), "--context", "lab");
        assertThat(login.code()).as(login.toString()).isZero();
        String saved = Files.readString(home.resolve("upc/config.json"));
        assertThat(saved).contains("\"tokenFile\" : \"" + token + "\"").doesNotContain("file-token");

        Files.writeString(token, "rotated-token");
        CliRun.in(home).run("whoami");
        assertThat(api.requests().get(1).authorization()).isEqualTo("Bearer rotated-token");
    }

    @Test
    void aRefusedLoginSavesNothing() {
        api.error("GET", "/api/v1/whoami", 401, "invalid_token", "bad signature");
        CliRun.Result login = CliRun.in(home).run("login", "--server", api.url().toString(), "--token", "x");
        assertThat(login.code()).isEqualTo(3);
        assertThat(login.err()).contains("the token was refused: bad signature");
        assertThat(home.resolve("upc/config.json")).doesNotExist();
    }

    @Test
    void loginNeedsAServerAndExactlyOneToken() {
        assertThat(CliRun.in(home).run("login", "--token", "x").err()).contains("login needs --server URL");
        CliRun.Result none = CliRun.in(home).run("login", "--server", "http://h:1");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("login needs one of --token TOKEN and --token-file FILE");
    }

    @Test
    void contextsAreListedWithoutTokensAndChosenByName() {
        api.json("GET", "/api/v1/whoami", 200, new Identity("a", "user", List.of(), null));
        CliRun.in(home).run("login", "--server", api.url().toString(), "--token", "secret-1", "--context", "one");
        CliRun.in(home).run("login", "--server", "http://127.0.0.1:" + api.url().getPort(), "--token", "secret-2",
                "--context", "two");

        CliRun.Result list = CliRun.in(home).run("context", "list");
        assertThat(list.out()).contains("*         two").doesNotContain("secret");

        assertThat(CliRun.in(home).run("context", "use", "one").code()).isZero();
        assertThat(CliRun.in(home).run("context", "list").out()).contains("*         one");

        CliRun.Result unknown = CliRun.in(home).run("context", "use", "three");
        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err()).contains("no context named three");

        CliRun.Result missing = CliRun.in(home).run("--context", "three", "jobs", "list");
        assertThat(missing.code()).isEqualTo(3);
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheCommand() throws IOException {
        api.json("GET", "/api/v1/jobs", 200, new JobList(List.of(), null));
        Path token = Files.writeString(home.resolve("t"), "flag-token");
        assertThat(CliRun.in(home).run("--server", api.url().toString(), "--token-file", token.toString(), "jobs",
                "list").code()).isZero();
        assertThat(CliRun.in(home).run("jobs", "list", "--server", api.url().toString(), "--token-file",
                token.toString()).code()).isZero();
        assertThat(api.requests()).hasSize(2).extracting(FakeApi.Request::authorization)
                .containsOnly("Bearer flag-token");
    }

    @Test
    void theEnvironmentOverridesTheSavedContext() {
        api.json("GET", "/api/v1/whoami", 200, new Identity("a", "user", List.of(), null));
        CliRun.in(home).run("login", "--server", "http://127.0.0.1:" + api.url().getPort(), "--token", "saved");
        CliRun.in(home).with("UPC_TOKEN", "from-env").run("whoami");
        assertThat(api.requests().get(1).authorization()).isEqualTo("Bearer from-env");
    }

    @Test
    void completionScriptsAreForBashAndZsh() {
        CliRun.Result bash = CliRun.in(home).run("completion", "bash");
        assertThat(bash.code()).isZero();
        assertThat(bash.out()).contains("complete -F", "submit", "workers", "--checkpoint-every");
        CliRun.Result zsh = CliRun.in(home).run("completion", "zsh");
        assertThat(zsh.out()).startsWith("autoload -U +X compinit && compinit\nautoload -U +X bashcompinit");
        assertThat(CliRun.in(home).run("completion", "fish").code()).isEqualTo(2);
    }
}
