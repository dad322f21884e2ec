package dev.upc.cli.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a bearer token comes from. A file is read at every use, so a token rotated in place is picked up by a client
 * that lives longer than the token.
 */
@FunctionalInterface
public interface TokenSource {

    /** The token now, without surrounding whitespace. */
    String token();

    static TokenSource of(String token) {
        String trimmed = token.strip();
        return () -> trimmed;
    }

    static TokenSource file(Path file) {
        return new TokenFile(file);
    }

    /** A token kept in a file, e.g. one an admin handed out or a secret mounted by an orchestrator. */
    record TokenFile(Path file) implements TokenSource {

        @Override
        public String token() {
            try {
                String token = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (token.isEmpty()) {
                    throw new UncheckedIOException(new IOException("the token file " + file + " is empty"));
                }
                return token;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the token file " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
