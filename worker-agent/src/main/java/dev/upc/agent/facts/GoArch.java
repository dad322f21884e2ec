package dev.upc.agent.facts;

import java.util.Locale;

/** Java's {@code os.arch} in the Go/Podman naming that libpod's {@code info} and the scheduler use. */
public final class GoArch {

    private GoArch() {
    }

    public static String of(String osArch) {
        String arch = osArch.trim().toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "386";
            case "arm", "arm32", "armv7l" -> "arm";
            // ppc64le, s390x, riscv64 and mips64el already match.
            default -> arch;
        };
    }
}
