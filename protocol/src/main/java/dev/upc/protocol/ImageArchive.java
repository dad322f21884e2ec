package dev.upc.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Where a job image lives in the store when no container registry is reachable: kind {@code images}, as a
 * docker-archive (libpod {@code images/{name}/get}; loading it with {@code images/load} keeps the image id, which a
 * checkpoint needs to restore). The blob id is derived from the image reference: readable, and unique thanks to a
 * digest suffix, e.g. {@code localhost/upc/counter:1} → {@code localhost_upc_counter_1-5d41402abc4b}.
 */
public final class ImageArchive {

    private static final int READABLE_PART = 100;

    private ImageArchive() {
    }

    public static String blobId(String imageReference) {
        String readable = imageReference.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_")
                .replaceAll("\\.{2,}", "_");
        if (readable.length() > READABLE_PART) {
            readable = readable.substring(0, READABLE_PART);
        }
        if (!Character.isLetterOrDigit(readable.charAt(0))) {
            readable = "i" + readable;
        }
        return readable + "-" + sha256Hex(imageReference).substring(0, 12);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
