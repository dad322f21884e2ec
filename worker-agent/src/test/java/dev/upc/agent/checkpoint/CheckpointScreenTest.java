package dev.upc.agent.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.agent.json.JsonText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Archives made from a real podman export's files with one thing changed each, streamed through the screen: what a
 * job's own container has is restored, and everything that would give the restored container more, or let podman
 * write outside it, is refused before the archive's end.
 */
class CheckpointScreenTest {

    private static final String IMAGE = "localhost/upc/counter:1";
    /** Links of the job's image, as Debian's: {@code /var/run -> /run}. */
    private static final ImageFiles IMAGE_FILES = new ImageFiles() {
        @Override
        public boolean link(String path) {
            return path.equals("var/run");
        }

        @Override
        public String id() {
            return "f1563b3bf5ef6a9e9974e71b0d37d687eafb26f74c1d3a06a0ec5de7603b423d"; // the fixture's
        }
    };
    private static final CheckpointScreen.Expected EXPECTED = new CheckpointScreen.Expected(IMAGE, 64L << 20, 1024,
            IMAGE_FILES, false);

    @Test
    void aPodmanExportOfAJobPasses() throws IOException {
        byte[] archive = new Archive().bytes();

        assertThat(screen(archive)).isEqualTo(archive);
    }

    @Test
    void aShortImageNameOfTheSameImagePasses() throws IOException {
        byte[] archive = new Archive().bytes();

        screen(archive, new CheckpointScreen.Expected("upc/counter:1", 64L << 20, 1024, IMAGE_FILES, false));
    }

    @Test
    void aJobRestoredBeforeKeepsTheShmDirectoryOfItsEarlierPcInItsConfigAndPasses() throws IOException {
        Archive archive = new Archive();
        archive.config.put("mounts", List.of("/var/lib/pc-a/storage/overlay-containers/" + "a".repeat(64)
                + "/userdata/shm", archive.config.get("ShmDir")));

        screen(archive.bytes());
    }

    @Test
    void aDirectoryTheChangesMakeInPlaceOfAnImageLinkMayHoldFiles() throws IOException {
        Archive archive = new Archive();
        archive.diff = new TestTar().directory("var/run/").file("var/run/x", "y").end();

        screen(archive.bytes());
    }

    static Stream<Arguments> crafted() {
        return Stream.of(
                // The layout: what podman untars into the container's bundle directory.
                crafted("a symbolic link at the top", a -> a.extra = t -> t.symlink("checkpoint2", "/"),
                        "tar type 2 entry checkpoint2"),
                crafted("an entry that climbs out", a -> a.extra = t -> t.file("../../etc/cron.d/job", "x"),
                        "is outside it"),
                crafted("a file podman does not export", a -> a.extra = t -> t.file("config.json", "{}"),
                        "the file config.json"),
                crafted("volumes of the container", a -> a.extra = t -> t.file("volumes/data.tar", "x"),
                        "the file volumes/data.tar"),
                crafted("a second spec after the checked one", a -> a.extra = t -> t.file("spec.dump", "{}"),
                        "spec.dump twice"),
                crafted("a pax path that renames an entry", a -> a.extra = t -> t.paxPath("../x").file("y", "z"),
                        "entry ../x is outside it"),
                crafted("no CRIU process image", a -> a.core = null, "no process image"),
                crafted("a header whose prefix only some readers apply", a -> a.extra = t -> t.oddMagic("config.dump",
                        "checkpoint"), "neither ustar, GNU nor V7"),
                crafted("two pax headers before one entry (Go keeps the last)", a -> a.extra = t -> t.paxPath("ok")
                        .pax("mtime", "1").file("x", "y"), "two extended headers"),
                crafted("a pax size", a -> a.extra = t -> t.pax("size", "0").file("stats-dump", "x"), "a pax size"),
                crafted("a regular file named like a directory", a -> a.extra = t -> t.entry("checkpoint/", '0',
                        new byte[512], ""), "named checkpoint/ like a directory"),
                crafted("a directory with a size (skipped by a simpler reader)", a -> a.extra = t -> t.entry(
                        "artifacts/", '5', new byte[512], ""), "with a size"),
                crafted("a compressed archive", a -> a.diff = gzip(new TestTar().file("x", noise(4096)).end()),
                        "rootfs-diff.tar is compressed"),
                crafted("a hard link to a link the diff made", a -> a.diff = new TestTar().symlink("x", "/")
                        .hardlink("y", "x").file("y/etc/cron.d/job", "z").end(), "through the symbolic link y"),
                crafted("another image's id", a -> a.config.put("rootfsImageID", "0".repeat(64)),
                        "names the image id 000"),
                crafted("an unconfined SELinux label", a -> a.config.put("ProcessLabel",
                        "system_u:system_r:spc_t:s0"), "SELinux label"),
                // config.dump
                crafted("a privileged container", a -> a.config.put("privileged", true), "sets privileged"),
                crafted("a case-folded duplicate field", a -> a.config.put("Privileged", true),
                        "Privileged twice (ignoring case)"),
                crafted("a named volume", a -> a.config.put("namedVolumes", List.of(Map.of("Name", "v"))),
                        "sets namedVolumes"),
                crafted("a host path to unmount at the end", a -> a.config.put("mounts", List.of("/home")),
                        "config.dump mounts /home"),
                crafted("an shm directory that climbs out", a -> a.config.put("mounts",
                        List.of("/var/lib/x/../../../home/userdata/shm")), "config.dump mounts /var/lib/x/../"),
                crafted("a host path as root", a -> a.config.put("rootfs", "/"), "sets rootfs"),
                crafted("another container's network", a -> a.config.put("netNsCtr", "abc"), "sets netNsCtr"),
                crafted("the host's time zone file chosen by path", a -> a.config.put("timezone", "../../etc/shadow"),
                        "sets timezone"),
                crafted("a field this podman does not know", a -> a.config.put("hostPathMagic", "/"),
                        "does not know, hostPathMagic"),
                crafted("another image", a -> a.config.put("rootfsImageName", "localhost/other:1"),
                        "names the image localhost/other:1"),
                crafted("an unbounded log", a -> a.config.put("logSize", -1L), "lets its log grow to -1"),
                crafted("a restart policy (a second copy)", a -> a.config.put("restart_policy", "always"),
                        "sets restart_policy"),
                crafted("a network", a -> a.config.put("createNetNS", true), "sets createNetNS"),
                // spec.dump
                crafted("a host directory mounted", a -> a.mounts().add(Map.of("destination", "/host", "type", "bind",
                        "source", "/", "options", List.of("rbind"))), "mounts / (bind) at /host"),
                crafted("a writable /sys", a -> mount(a, "/sys").put("options", List.of("rw")), "mounts /sys writable"),
                crafted("an OCI hook (runs on the host)", a -> a.spec.put("hooks",
                        Map.of("prestart", List.of(Map.of("path", "/bin/sh")))), "sets hooks"),
                crafted("a capability beyond podman's defaults", a -> caps(a).add("CAP_SYS_ADMIN"),
                        "grants CAP_SYS_ADMIN (bounding)"),
                crafted("privileges that may grow", a -> a.process().put("noNewPrivileges", false),
                        "noNewPrivileges is not set"),
                crafted("the host's network namespace", a -> a.namespaces().set(1,
                        Map.of("type", "network", "path", "/proc/1/ns/net")), "joins the network namespace"),
                crafted("the host's namespace under a key in another case (Go ignores case)", a -> a.namespaces()
                        .set(1, Map.of("type", "network", "Path", "/proc/1/ns/net")), "joins the network namespace"),
                crafted("a /sys mounted ro then rw", a -> mount(a, "/sys").put("options", List.of("ro", "rw")),
                        "mounts /sys writable"),
                crafted("no pid namespace", a -> a.namespaces().remove(0), "shares the host's pid namespace"),
                crafted("a block device", a -> a.linux().put("devices", List.of(Map.of("path", "/dev/sda",
                        "type", "b", "major", 8L, "minor", 0L))), "creates devices"),
                crafted("a device allowed", a -> a.resources().put("devices", List.of(Map.of("allow", true,
                        "type", "b", "major", 8L, "minor", 0L, "access", "rwm"))), "allows the device b 8:0"),
                crafted("a host sysctl", a -> a.linux().put("sysctl", Map.of("kernel.core_pattern", "|/x")),
                        "sysctl kernel.core_pattern"),
                crafted("no seccomp", a -> a.linux().remove("seccomp"), "no seccomp filter"),
                crafted("/proc/kcore unmasked", a -> a.linux().put("maskedPaths", List.of("/proc/acpi")),
                        "unmasks paths"),
                crafted("a higher open-files limit", a -> rlimits(a).get(0).put("hard", 1L << 20),
                        "RLIMIT_NOFILE hard"),
                // The container's file changes.
                crafted("a write through a link the diff made", a -> a.diff = new TestTar().symlink("esc", "/")
                        .file("esc/etc/cron.d/job", "* * * * * root sh").end(), "through the symbolic link esc"),
                crafted("a diff entry that climbs out", a -> a.diff = new TestTar().file("../../x", "y").end(),
                        "entry ../../x is outside the container"),
                crafted("a hard link to a host file", a -> a.diff = new TestTar().symlink("h", "/")
                        .hardlink("x", "h/etc/shadow").end(), "links to h/etc/shadow"),
                crafted("a device node", a -> a.diff = new TestTar().device("dev/sda").end(), "is a device node"),
                crafted("a write below a link of the image", a -> a.diff = new TestTar()
                        .file("var/run/crontab", "x").end(), "go through var/run, a symbolic link in the job's image"),
                crafted("a deletion below a link of the image", a -> a.deleted = "[\"var/run/utmp\"]",
                        "go through var/run, a symbolic link in the job's image"),
                crafted("a deleted path outside", a -> a.deleted = "[\"../../../../var/lib\"]",
                        "deleted.files path ../../../../var/lib is outside"),
                crafted("a deleted path through a link", a -> {
                    a.diff = new TestTar().symlink("l", "/var").end();
                    a.deleted = "[\"l/lib\"]";
                }, "deleted.files path l/lib goes through the symbolic link l"),
                crafted("/dev/shm content that climbs out", a -> a.shm = new TestTar().file("../../x", "y").end(),
                        "devshm-checkpoint.tar entry ../../x is outside"),
                // CRIU's process image.
                crafted("a thread with CAP_SYS_ADMIN", a -> a.core = core(creds -> ProtoEdit.concat(
                        ProtoEdit.without(creds, 11), ProtoEdit.concat(ProtoEdit.varintField(11, 1L << 21),
                        ProtoEdit.varintField(11, 0)))), "grants capability 21 (effective)"),
                crafted("a thread without no-new-privileges", a -> a.core = core(creds ->
                        ProtoEdit.without(creds, 18)), "may gain privileges"),
                crafted("a thread without its seccomp filter", a -> a.core = coreThread(thread ->
                        ProtoEdit.without(thread, 11)), "without its seccomp filter"),
                crafted("an old credential image", a -> a.extra = t -> t.file("checkpoint/creds-1.img", "x"),
                        "old credential image"),
                crafted("a core image that is not one", a -> a.core = "not a core image".getBytes(),
                        "is not a CRIU core image"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crafted")
    void aCraftedArchiveIsRefusedBeforeItsEnd(String what, Consumer<Archive> craft, String reason) {
        Archive archive = new Archive();
        craft.accept(archive);

        assertThatThrownBy(() -> screen(archive.bytes()))
                .isInstanceOf(ArchiveRefusedException.class)
                .hasMessageStartingWith("checkpoint refused: ")
                .hasMessageContaining(reason);
    }

    @Test
    void anArchiveCutShortIsRefused() {
        byte[] archive = new Archive().bytes();

        assertThatThrownBy(() -> screen(Arrays.copyOf(archive, archive.length - 2048)))
                .isInstanceOf(ArchiveRefusedException.class).hasMessageContaining("ends inside an entry");
    }

    @Test
    void aHeaderWithAWrongChecksumIsRefused() {
        byte[] archive = new Archive().bytes();
        archive[0] ^= 1; // the first entry's name

        assertThatThrownBy(() -> screen(archive)).hasMessageContaining("wrong checksum");
    }

    @Test
    void theRefusalComesBeforeTheLastByteIsHandedOn() {
        Archive crafted = new Archive();
        crafted.config.put("privileged", true);
        byte[] bytes = crafted.bytes();
        int[] handedOn = {0};

        assertThatThrownBy(() -> {
            try (InputStream in = new CheckpointScreen(new ByteArrayInputStream(bytes), EXPECTED)) {
                byte[] buffer = new byte[512];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    handedOn[0] += n;
                }
            }
        }).isInstanceOf(ArchiveRefusedException.class);
        assertThat(handedOn[0]).isLessThan(bytes.length);
    }

    private static byte[] screen(byte[] archive) throws IOException {
        return screen(archive, EXPECTED);
    }

    private static byte[] screen(byte[] archive, CheckpointScreen.Expected expected) throws IOException {
        try (InputStream in = new CheckpointScreen(new ByteArrayInputStream(archive), expected)) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    /** Bytes that do not compress, so that the gzip stream is longer than a tar header. */
    private static byte[] noise(int size) {
        byte[] bytes = new byte[size];
        new java.util.Random(1).nextBytes(bytes);
        return bytes;
    }

    private static byte[] gzip(byte[] bytes) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(out)) {
            zip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Arguments crafted(String what, Consumer<Archive> craft, String reason) {
        return Arguments.of(what, craft, reason);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mount(Archive a, String destination) {
        return (Map<String, Object>) a.mounts().stream().filter(m -> destination.equals(((Map<?, ?>) m)
                .get("destination"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> caps(Archive a) {
        return (List<Object>) ((Map<String, Object>) a.process().get("capabilities")).get("bounding");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rlimits(Archive a) {
        return (List<Map<String, Object>>) a.process().get("rlimits");
    }

    /** The fixture's core image with its credentials edited. */
    private static byte[] core(UnaryOperator<byte[]> creds) {
        return coreThread(thread -> ProtoEdit.inField(thread, 10, creds));
    }

    private static byte[] coreThread(UnaryOperator<byte[]> thread) {
        byte[] image = fixture("core-1.img");
        byte[] entry = ProtoEdit.inField(Arrays.copyOfRange(image, 12, image.length), 5, thread);
        byte[] out = Arrays.copyOf(image, 12 + entry.length);
        int n = entry.length;
        out[8] = (byte) n;
        out[9] = (byte) (n >> 8);
        out[10] = (byte) (n >> 16);
        out[11] = (byte) (n >> 24);
        System.arraycopy(entry, 0, out, 12, n);
        return out;
    }

    private static byte[] fixture(String name) {
        try (InputStream in = CheckpointScreenTest.class.getResourceAsStream("/checkpoint/podman-4.3.1/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A podman export's layout, from the fixtures, each part open to change. */
    static final class Archive {
        Map<String, Object> config = json(fixture("config.dump"));
        Map<String, Object> spec = json(fixture("spec.dump"));
        byte[] core = fixture("core-1.img");
        byte[] diff = new TestTar().directory("etc/").file("etc/hostname", "").symlink("etc/mtab", "/proc/mounts")
                .file("tmp/n", "2\n").end();
        byte[] shm = new TestTar().directory("./").end();
        String deleted;
        UnaryOperator<TestTar> extra = t -> t;

        byte[] bytes() {
            TestTar tar = new TestTar().directory("artifacts/").file("devshm-checkpoint.tar", shm)
                    .file("config.dump", JsonText.write(config, false)).file("spec.dump", JsonText.write(spec, false))
                    .file("network.status", "{}\n").file("stats-dump", "x").file("ctr.log", "")
                    .directory("checkpoint/").file("checkpoint/inventory.img", "inventory");
            if (core != null) {
                tar.file("checkpoint/core-1.img", core);
            }
            tar.file("checkpoint/pages-1.img", new byte[4096]).file("rootfs-diff.tar", diff);
            if (deleted != null) {
                tar.file("deleted.files", deleted);
            }
            return extra.apply(tar).end();
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> process() {
            return (Map<String, Object>) spec.get("process");
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> linux() {
            return (Map<String, Object>) spec.get("linux");
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> resources() {
            return (Map<String, Object>) linux().get("resources");
        }

        @SuppressWarnings("unchecked")
        List<Object> mounts() {
            return (List<Object>) spec.get("mounts");
        }

        @SuppressWarnings("unchecked")
        List<Object> namespaces() {
            return (List<Object>) linux().get("namespaces");
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> json(byte[] bytes) {
            return (Map<String, Object>) JsonText.parse(new String(bytes, StandardCharsets.UTF_8));
        }
    }
}
