package dev.upc.agent.checkpoint;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The checks on CRIU's process images in a checkpoint. CRIU restores each thread's credentials, capabilities and
 * seccomp mode from its {@code core-<tid>.img} as root, trusting the image, and runc does not apply the spec's
 * capabilities to a restored process. So every thread's capability sets must be within podman's defaults (the ones a
 * job's container starts with), with no-new-privileges set, a seccomp filter in force and an OOM score not lowered.
 * Old-style separate credential images are refused. What remains trusted in these images (the seccomp filter's
 * content, the memory, the open files of the job's own container) is in the README's security model.
 */
final class CriuImages {

    /** CRIU's magic numbers (little-endian u32): the images-v2 prefix and the core image. */
    private static final int COMMON_MAGIC = 0x54564319;
    private static final int CORE_MAGIC = 0x55053847;
    private static final int MAX_CORE_BYTES = 1 << 20;
    private static final Pattern CORE = Pattern.compile("checkpoint/core-[0-9]+\\.img");
    private static final Pattern CREDS = Pattern.compile("checkpoint/creds-[0-9]+\\.img");
    /** Bits of podman's default capabilities: CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP,
     * NET_BIND_SERVICE, SYS_CHROOT, SETFCAP. */
    static final long ALLOWED_CAPS = bits(0, 1, 3, 4, 5, 6, 7, 8, 10, 18, 31);
    private static final int SECCOMP_FILTER = 2;

    private String name;
    private ByteArrayOutputStream held;
    private int cores;

    void begin(String entry) throws ArchiveRefusedException {
        name = entry;
        if (CREDS.matcher(entry).matches()) {
            throw new ArchiveRefusedException("the archive has " + entry + ", CRIU's old credential image");
        }
        held = CORE.matcher(entry).matches() ? new ByteArrayOutputStream() : null;
    }

    void content(byte[] bytes, int offset, int length) throws ArchiveRefusedException {
        if (held != null) {
            if (held.size() + length > MAX_CORE_BYTES) {
                throw new ArchiveRefusedException(name + " is larger than " + MAX_CORE_BYTES + " bytes");
            }
            held.write(bytes, offset, length);
        }
    }

    void end() throws ArchiveRefusedException {
        if (held != null) {
            check(name, held.toByteArray());
            cores++;
            held = null;
        }
    }

    void finish() throws ArchiveRefusedException {
        if (cores == 0) {
            throw new ArchiveRefusedException("the archive has no process image (checkpoint/core-*.img)");
        }
    }

    /** One thread's core image: magic, one entry's length, a {@code core_entry}. */
    static void check(String name, byte[] image) throws ArchiveRefusedException {
        if (image.length < 12 || le32(image, 0) != COMMON_MAGIC || le32(image, 4) != CORE_MAGIC) {
            throw new ArchiveRefusedException(name + " is not a CRIU core image");
        }
        long length = le32(image, 8) & 0xffffffffL;
        if (length != image.length - 12) {
            throw new ArchiveRefusedException(name + " does not hold exactly one entry");
        }
        try {
            List<ProtoFields.Field> core = ProtoFields.read(image, 12, image.length);
            List<List<ProtoFields.Field>> threads = ProtoFields.messages(core, 5); // thread_core
            if (threads.size() != 1) {
                throw new ArchiveRefusedException(name + " has no thread state");
            }
            List<ProtoFields.Field> thread = threads.get(0);
            List<List<ProtoFields.Field>> creds = ProtoFields.messages(thread, 10);
            if (creds.size() != 1) {
                throw new ArchiveRefusedException(name + " has no credentials");
            }
            credentials(name, creds.get(0));
            List<Long> seccomp = ProtoFields.varints(thread, 11);
            if (seccomp.size() != 1 || seccomp.get(0) != SECCOMP_FILTER) {
                throw new ArchiveRefusedException(name + " restores a thread without its seccomp filter");
            }
            for (List<ProtoFields.Field> task : ProtoFields.messages(core, 3)) { // task_core: the thread leader's
                for (long oom : ProtoFields.varints(task, 14)) {
                    if ((int) oom < 0) {
                        throw new ArchiveRefusedException(name + " lowers the OOM score to " + (int) oom);
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw new ArchiveRefusedException(name + " is malformed: " + e.getMessage());
        }
    }

    private static void credentials(String name, List<ProtoFields.Field> creds) throws ArchiveRefusedException {
        String[] sets = {null, null, null, null, null, null, null, null, null, "inheritable", "permitted",
                "effective", "bounding"};
        for (int field = 9; field <= 12; field++) {
            capabilities(name, sets[field], ProtoFields.varints(creds, field));
        }
        capabilities(name, "ambient", ProtoFields.varints(creds, 19));
        for (ProtoFields.Field f : creds) {
            if (f.number() == 15 && f.bytes() != null) {
                String profile = new String(f.bytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (!profile.isEmpty() && !profile.startsWith("apparmor:containers-default")
                        && !(profile.startsWith("selinux:") && profile.contains(":container_t:"))) {
                    throw new ArchiveRefusedException(name + " restores a thread under the security profile "
                            + profile);
                }
            }
        }
        List<Long> noNewPrivs = ProtoFields.varints(creds, 18);
        if (noNewPrivs.size() != 1 || noNewPrivs.get(0) != 1) {
            throw new ArchiveRefusedException(name + " restores a thread that may gain privileges");
        }
    }

    /** A capability set: 32-bit words, lowest first. */
    private static void capabilities(String name, String set, List<Long> words) throws ArchiveRefusedException {
        for (int i = 0; i < words.size(); i++) {
            long word = words.get(i) & 0xffffffffL;
            long allowed = i == 0 ? ALLOWED_CAPS & 0xffffffffL : i == 1 ? ALLOWED_CAPS >>> 32 : 0;
            long extra = word & ~allowed;
            if (extra != 0) {
                int bit = Long.numberOfTrailingZeros(extra) + 32 * i;
                throw new ArchiveRefusedException(name + " grants capability " + bit + " (" + set + ")");
            }
        }
    }

    private static long bits(int... numbers) {
        long mask = 0;
        for (int n : numbers) {
            mask |= 1L << n;
        }
        return mask;
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
