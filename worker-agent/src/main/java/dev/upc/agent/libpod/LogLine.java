package dev.upc.agent.libpod;

/** One line a container printed. */
public record LogLine(Stream stream, String text) {

    public enum Stream { STDOUT, STDERR }
}
