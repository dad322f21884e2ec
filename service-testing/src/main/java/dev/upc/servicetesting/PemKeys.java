package dev.upc.servicetesting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;

/** RSA key pairs made per test run and written as the PEM files the services read, so no key is ever committed. */
public final class PemKeys {

    private PemKeys() {
    }

    /** A fresh 2048-bit RSA pair, the kind the cluster signs its RS256 tokens with. */
    public static KeyPair newRsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code key} as a {@code PUBLIC KEY} PEM file (X.509), creating the parent directories. */
    public static void writePublicKey(Path file, PublicKey key) {
        write(file, pem("PUBLIC KEY", key.getEncoded()));
    }

    /** Writes {@code key} as a {@code PRIVATE KEY} PEM file (PKCS#8), creating the parent directories. */
    public static void writePrivateKey(Path file, PrivateKey key) {
        write(file, pem("PRIVATE KEY", key.getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
