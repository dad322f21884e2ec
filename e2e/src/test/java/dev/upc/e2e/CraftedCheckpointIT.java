package dev.upc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.agent.checkpoint.ProtoEdit;
import dev.upc.agent.checkpoint.TestTar;
import dev.upc.agent.driver.CheckpointMode;
import dev.upc.agent.driver.JobCgroups;
import dev.upc.agent.driver.LibpodDriver;
import dev.upc.agent.driver.TaskArchive;
import dev.upc.agent.driver.TaskConfig;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.driver.TaskLimits;
import dev.upc.agent.json.JsonText;
import dev.upc.agent.libpod.PodmanHost;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterJobs;
import dev.upc.e2e.pc.SimulatedPc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PC that restores a checkpoint another PC crafted: real podman, runc and CRIU. The archive is a real export of a
 * running job with one thing changed. Without the agent's screen podman 4.3.1 would write a host file through a
 * symbolic link of the file-system diff and remove a host directory named in {@code deleted.files} (both measured
 * with the podman CLI on these machines); with it, each crafted archive is refused, nothing is created and the host
 * is untouched, while the real export still restores.
 */
class CraftedCheckpointIT {

    private static SimulatedPc pc;
    private static LibpodDriver driver;
    private static Map<String, byte[]> export;

    @TempDir
    Path host;

    @BeforeAll
    static void exportARunningJob() throws IOException {
        CounterImage image = CounterImage.build(Path.of("target"));
        pc = SimulatedPc.start("crafted");
        image.ensureOn(pc.client());
        PodmanHost podman = pc.client().host();
        driver = new LibpodDriver(pc.client(), new JobCgroups(Path.of("/sys/fs/cgroup"), podman.cgroupVersion(),
                podman.cgroupManager()));
        TaskHandle source = TaskHandle.of("upc-crafted-1");
        driver.create(new TaskConfig(source, CounterImage.REFERENCE, CounterImage.counter(8, 50), Map.of(), Map.of(),
                TaskLimits.of(0.5, 64L * 1024 * 1024)));
        driver.start(source);
        CounterJobs.await(pc.client(), source.name(), out -> out.lastTick() >= 2, Duration.ofSeconds(30));
        try (TaskArchive archive = driver.checkpoint(source, CheckpointMode.LEAVE_RUNNING)) {
            export = entries(archive.readAllBytes());
        }
        driver.kill(source);
    }

    @AfterAll
    static void stopPc() {
        if (pc != null) {
            pc.close();
        }
    }

    @Test
    void theRealExportRestores() {
        TaskHandle target = restore(tar(export));

        assertThat(driver.inspect(target).orElseThrow().running()).isTrue();
        driver.kill(target);
    }

    @Test
    void aDiffThatWritesThroughItsOwnLinkIsRefusedAndWritesNothing() {
        Path outside = host.resolve("outside");
        Map<String, byte[]> crafted = new LinkedHashMap<>(export);
        crafted.put("rootfs-diff.tar", new TestTar().symlink("esc", outside.toString())
                .file("esc/pwned", "written by a crafted checkpoint\n").end());

        refused(crafted, "goes through the symbolic link esc");
        assertThat(outside.resolve("pwned")).doesNotExist();
    }

    @Test
    void deletedFilesOutsideTheContainerAreRefusedAndNothingIsRemoved() throws IOException {
        Path victim = Files.createDirectories(host.resolve("victim"));
        Files.writeString(victim.resolve("file"), "keep");
        Map<String, byte[]> crafted = new LinkedHashMap<>(export);
        crafted.put("deleted.files", ("[\"../../../../../../../../../.." + victim + "\"]")
                .getBytes(StandardCharsets.UTF_8));

        refused(crafted, "is outside the container");
        assertThat(victim.resolve("file")).hasContent("keep");
    }

    @Test
    void aPrivilegedConfigIsRefused() {
        refused(withJson("config.dump", config -> config.put("privileged", true)), "config.dump sets privileged");
    }

    @Test
    void aHostMountInTheSpecIsRefused() {
        refused(withJson("spec.dump", spec -> {
            @SuppressWarnings("unchecked")
            List<Object> mounts = (List<Object>) spec.get("mounts");
            mounts.add(Map.of("destination", "/host", "type", "bind", "source", "/", "options", List.of("rbind")));
        }), "mounts / (bind) at /host");
    }

    @Test
    void aCoreImageWithCapSysAdminIsRefused() {
        Map<String, byte[]> crafted = new LinkedHashMap<>(export);
        String core = export.keySet().stream().filter(n -> n.matches("checkpoint/core-[0-9]+\\.img")).findFirst()
                .orElseThrow();
        byte[] image = export.get(core);
        byte[] entry = ProtoEdit.inField(Arrays.copyOfRange(image, 12, image.length), 5, thread ->
                ProtoEdit.inField(thread, 10, creds -> ProtoEdit.concat(ProtoEdit.without(creds, 11),
                        ProtoEdit.concat(ProtoEdit.varintField(11, 1L << 21), ProtoEdit.varintField(11, 0)))));
        byte[] edited = Arrays.copyOf(image, 12 + entry.length);
        for (int i = 0; i < 4; i++) {
            edited[8 + i] = (byte) (entry.length >> 8 * i);
        }
        System.arraycopy(entry, 0, edited, 12, entry.length);
        crafted.put(core, edited);

        refused(crafted, "grants capability 21 (effective)");
    }

    private void refused(Map<String, byte[]> crafted, String reason) {
        String name = "upc-crafted-" + UUID.randomUUID().toString().substring(0, 8);
        assertThatThrownBy(() -> driver.restore(new ByteArrayInputStream(tar(crafted)), TaskHandle.of(name),
                CounterImage.REFERENCE, TaskLimits.of(0.5, null)))
                .hasMessageContaining("checkpoint refused: ")
                .hasMessageContaining(reason);
        assertThat(driver.inspect(TaskHandle.of(name))).as("nothing was created").isEmpty();
    }

    private static TaskHandle restore(byte[] archive) {
        TaskHandle target = TaskHandle.of("upc-crafted-" + UUID.randomUUID().toString().substring(0, 8));
        driver.restore(new ByteArrayInputStream(archive), target, CounterImage.REFERENCE, TaskLimits.of(0.5, null));
        return target;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, byte[]> withJson(String entry, Consumer<Map<String, Object>> change) {
        Map<String, Object> json = (Map<String, Object>) JsonText.parse(
                new String(export.get(entry), StandardCharsets.UTF_8));
        change.accept(json);
        Map<String, byte[]> crafted = new LinkedHashMap<>(export);
        crafted.put(entry, JsonText.write(json, false).getBytes(StandardCharsets.UTF_8));
        return crafted;
    }

    /** The archive's entries in order: a directory's content is null. Plain ustar, as podman writes it. */
    private static Map<String, byte[]> entries(byte[] tar) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        int at = 0;
        while (at + 512 <= tar.length && tar[at] != 0) {
            String name = new String(tar, at, 100, StandardCharsets.UTF_8).replaceAll("\0.*", "");
            long size = Long.parseLong(new String(tar, at + 124, 12, StandardCharsets.US_ASCII).replace("\0", "")
                    .trim(), 8);
            char type = (char) tar[at + 156];
            entries.put(name, type == '5' ? null : Arrays.copyOfRange(tar, at + 512, at + 512 + (int) size));
            at += 512 + (int) ((size + 511) / 512 * 512);
        }
        return entries;
    }

    private static byte[] tar(Map<String, byte[]> entries) {
        TestTar tar = new TestTar();
        entries.forEach((name, content) -> {
            if (content == null) {
                tar.directory(name);
            } else {
                tar.file(name, content);
            }
        });
        return tar.end();
    }
}
