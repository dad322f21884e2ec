package dev.upc.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.cli.client.ProtocolJson;
import dev.upc.cli.testing.CliRun;
import dev.upc.cli.testing.FakeApi;
import dev.upc.cli.testing.Samples;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.ClusterInfo;
import dev.upc.protocol.ImageInfo;
import dev.upc.protocol.UploadGrant;
import dev.upc.protocol.UserInfo;
import dev.upc.protocol.UserToken;
import dev.upc.protocol.WorkerList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users, workers and images, in-process against a scripted cluster. */
class AdminCommandsTest {

    @TempDir
    Path home;

    private final FakeApi api = FakeApi.start();

    @AfterEach
    void stop() {
        api.close();
    }

    private CliRun.Result upc(String... args) {
        return CliRun.against(api, home).run(args);
    }

    @Test
    void usersAddPrintsTheTokenAloneOnStdout() throws IOException {
        UserToken minted = new UserToken(new UserInfo("bob", Samples.NOW, "admin", null), "eyJ.bob.token",
                Samples.NOW.plusSeconds(30 * 86_400));
        api.json("POST", "/api/v1/users", 201, minted);
        CliRun.Result result = upc("users", "add", "bob", "--ttl", "30d");
        assertThat(result.code()).isZero();
        assertThat(result.out()).isEqualTo("eyJ.bob.token\n");
        assertThat(result.err()).contains("added user bob", "expires in 30d");
        assertThat(api.requests().get(0).bodyText()).contains("\"ttlSeconds\":2592000");

        CliRun.Result json = upc("users", "add", "bob", "--json");
        assertThat(ProtocolJson.MAPPER.readValue(json.out(), UserToken.class)).isEqualTo(minted);
    }

    @Test
    void usersListAndRevoke() {
        api.json("GET", "/api/v1/users", 200, Map.of("users", List.of(
                new UserInfo("alice", Samples.NOW.minusSeconds(86_400), "admin", null),
                new UserInfo("bob", Samples.NOW.minusSeconds(7200), "admin", Samples.NOW.minusSeconds(60)))));
        assertThat(upc("users", "list").out()).isEqualTo("""
                NAME    STATE            CREATED   BY
                alice   active                1d   admin
                bob     revoked 1m ago        2h   admin
                """);
        api.json("DELETE", "/api/v1/users/bob", 200, new UserInfo("bob", Samples.NOW, "admin", Samples.NOW));
        CliRun.Result revoke = upc("users", "revoke", "bob");
        assertThat(revoke.code()).isZero();
        assertThat(revoke.err()).contains("revoked bob");
    }

    @Test
    void workersListOnTheRegistryAndDrainByPcName() {
        try (FakeApi registry = FakeApi.start()) {
            api.json("GET", "/api/v1/cluster", 200, new ClusterInfo("1", registry.url().toString(), null));
            registry.json("GET", "/api/v1/workers", 200, new WorkerList(List.of(Samples.worker("w-1", "pc1"),
                    Samples.worker("w-2", "pc2")), null));
            registry.json("POST", "/api/v1/workers/w-2/drain", 200, Samples.worker("w-2", "pc2"));

            CliRun.Result list = upc("workers", "list");
            assertThat(list.code()).as(list.toString()).isZero();
            assertThat(list.out()).startsWith("NAME   ID    STATUS   SPEED   CPUS").contains("pc2    w-2   ONLINE");

            CliRun.Result drain = upc("workers", "drain", "pc2");
            assertThat(drain.code()).isZero();
            assertThat(drain.err()).isEqualTo("upc: draining pc2 (w-2): it takes no new jobs and its jobs move off\n");

            CliRun.Result unknown = upc("workers", "undrain", "pc7");
            assertThat(unknown.code()).isEqualTo(3);
            assertThat(unknown.err()).contains("no worker has the id or PC name pc7");
        }
    }

    @Test
    void imagesArePushedFromPodmanThroughATemporaryArchive() throws IOException {
        Path podman = home.resolve("fake-podman");
        Files.writeString(podman, """
                #!/bin/sh
                # podman image save --format docker-archive -o FILE IMAGE
                echo "$@" > "$(dirname "$0")/podman-args"
                printf 'archive-of-%s' "$7" > "$6"
                """);
        Files.setPosixFilePermissions(podman, PosixFilePermissions.fromString("rwx------"));
        String reference = "localhost/alice/solver:1";
        api.json("GET", "/api/v1/cluster", 200, new ClusterInfo("1", null, null));
        api.json("POST", "/api/v1/images/uploads", 200, new UploadGrant(BlobKind.IMAGES, "img",
                api.url() + "/api/v1/blobs/images/img", "g", Samples.NOW, false));
        api.json("PUT", "/api/v1/blobs/images/img", 201, Map.of());
        api.json("POST", "/api/v1/images", 201, new ImageInfo(reference, "alice", "img", 31, "0".repeat(64),
                Samples.NOW));

        CliRun.Result result = CliRun.against(api, home).with("UPC_PODMAN", podman.toString())
                .run("images", "push", reference);
        assertThat(result.code()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo(reference + "\n");
        assertThat(Files.readString(home.resolve("podman-args"))).startsWith("image save --format docker-archive -o ");
        assertThat(api.requests("PUT", "/api/v1/blobs/images/img").get(0).bodyText())
                .isEqualTo("archive-of-" + reference);
    }

    @Test
    void aFailingPodmanIsReportedWithWhatItSaid() throws IOException {
        Path podman = home.resolve("fake-podman");
        Files.writeString(podman, "#!/bin/sh\necho 'Error: localhost/x:1: image not known' >&2\nexit 125\n");
        Files.setPosixFilePermissions(podman, PosixFilePermissions.fromString("rwx------"));
        CliRun.Result result = CliRun.against(api, home).with("UPC_PODMAN", podman.toString())
                .run("images", "push", "localhost/x:1");
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("failed (exit 125): Error: localhost/x:1: image not known");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void imagesListIsATable() {
        api.json("GET", "/api/v1/images", 200, Map.of("images", List.of(new ImageInfo("localhost/alice/a:1",
                "alice", "b", 187_000_000L, "0".repeat(64), Samples.NOW.minusSeconds(3600)))));
        assertThat(upc("images", "list").out()).isEqualTo("""
                REFERENCE             OWNER      SIZE   PUSHED
                localhost/alice/a:1   alice   178 MiB       1h
                """);
    }
}
