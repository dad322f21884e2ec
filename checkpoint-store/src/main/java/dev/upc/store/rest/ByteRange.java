package dev.upc.store.rest;

import dev.upc.store.blob.InvalidRequestException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a {@code Range} header, resolved against the blob size: {@code first..last} inclusive.
 * Only a single range is supported; a multi-range request is rejected rather than silently widened.
 */
record ByteRange(long first, long last) {

    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

    long length() {
        return last - first + 1;
    }

    String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /** A syntactically valid single range, not yet checked against a size. */
    record Spec(Long first, Long last) {

        /** @throws RangeNotSatisfiableException when no byte of the blob is selected */
        ByteRange resolve(long size) {
            if (first == null) {
                if (last == 0 || size == 0) {
                    throw new RangeNotSatisfiableException(size);
                }
                return new ByteRange(Math.max(0, size - last), size - 1);
            }
            if (first >= size) {
                throw new RangeNotSatisfiableException(size);
            }
            return new ByteRange(first, last == null ? size - 1 : Math.min(last, size - 1));
        }
    }

    /** Empty when there is no Range header; {@link InvalidRequestException} when it is malformed. */
    static Optional<Spec> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw new InvalidRequestException("invalid_range",
                    "Range must be a single byte range: bytes=FIRST-LAST, bytes=FIRST- or bytes=-SUFFIX");
        }
        try {
            Long first = m.group(1).isEmpty() ? null : Long.parseLong(m.group(1));
            Long last = m.group(2).isEmpty() ? null : Long.parseLong(m.group(2));
            if (first != null && last != null && last < first) {
                throw new InvalidRequestException("invalid_range", "Range end " + last + " is before its start " + first);
            }
            return Optional.of(new Spec(first, last));
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("invalid_range", "Range positions are too large");
        }
    }
}
