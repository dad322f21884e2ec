package dev.upc.cli.render;

import java.util.Locale;

/** Byte counts in binary units: "512 B", "1.5 KiB", "120 MiB", "3.2 GiB". */
public final class Sizes {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private Sizes() {
    }

    /** One decimal below 100 of a unit, whole numbers above: three significant digits at most. */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = value < 100 ? String.format(Locale.ROOT, "%.1f", value)
                : String.format(Locale.ROOT, "%.0f", value);
        return number + " " + UNITS[unit];
    }

    public static String mebibytes(long mebibytes) {
        return bytes(mebibytes << 20);
    }
}
