package dev.upc.servicehttp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What text a service accepts in a body, a path or a query: no NUL (PostgreSQL's text cannot hold one: it answered
 * 500 with a 78-line stack trace) and well-formed Unicode (a lone surrogate has no UTF-8; invalid percent-encoded
 * UTF-8 is not text). Control characters other than NUL are the fields' own rules (e.g. their patterns).
 */
public final class CleanText {

    private CleanText() {
    }

    /** What is wrong with {@code text}, or empty when it is clean. */
    public static Optional<String> problem(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return Optional.of("contains a NUL character");
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return Optional.of("contains an unpaired surrogate (not Unicode text)");
            }
            if (Character.isLowSurrogate(c)) {
                return Optional.of("contains an unpaired surrogate (not Unicode text)");
            }
        }
        return Optional.empty();
    }

    /**
     * What is wrong with a raw (still percent-encoded) path or query, or empty when it decodes to clean UTF-8 text.
     * Malformed escapes are left to the router (they are not this rule's).
     */
    public static Optional<String> problemInRaw(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        if (raw.indexOf('%') < 0) {
            return problem(raw);
        }
        ByteBuffer bytes = ByteBuffer.allocate(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length() && hex(raw.charAt(i + 1)) >= 0 && hex(raw.charAt(i + 2)) >= 0) {
                bytes.put((byte) (hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2))));
                i += 2;
            } else if (c < 0x80) {
                bytes.put((byte) c);
            } else {
                return problem(raw); // raw non-ASCII: the server decoded it already
            }
        }
        bytes.flip();
        try {
            CharSequence decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
            return problem(decoded);
        } catch (CharacterCodingException e) {
            return Optional.of("is not UTF-8 once percent-decoded");
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
