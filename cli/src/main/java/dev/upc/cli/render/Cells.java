package dev.upc.cli.render;

/** Shared spellings of table cells. */
public final class Cells {

    /** An unknown or absent value. */
    public static final String NONE = "—";

    private Cells() {
    }

    public static String orNone(String value) {
        return value == null || value.isBlank() ? NONE : value;
    }
}
