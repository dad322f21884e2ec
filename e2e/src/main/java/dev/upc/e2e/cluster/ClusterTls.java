package dev.upc.e2e.cluster;

import dev.upc.protocol.tls.TrustedCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A CA of its own for a cluster run with TLS, made with openssl as a lab would make one: {@code ca.crt} (what agents
 * and clients trust, {@code upc.agent.ca-file}, {@code --ca-file}) and one certificate for the services on
 * 127.0.0.1 and localhost ({@code tls.crt}, {@code tls.key}; the services' {@code UPC_TLS_CERT_FILE} and
 * {@code UPC_TLS_KEY_FILE}). EC P-256 keys, valid 30 days. The CA's key is deleted once the certificate is signed.
 */
public record ClusterTls(Path caCertificate, Path certificate, Path key) {

    /** Makes a CA and the services' certificate under {@code dir/tls}. */
    public static ClusterTls generate(Path dir) {
        try {
            Path tls = Files.createDirectories(dir.resolve("tls"));
            Path caKey = tls.resolve("ca.key");
            Path ca = tls.resolve("ca.crt");
            Path key = tls.resolve("tls.key");
            Path csr = tls.resolve("tls.csr");
            Path certificate = tls.resolve("tls.crt");
            Path extensions = Files.writeString(tls.resolve("tls.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                    + "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n");
            openssl(tls, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", caKey.toString(), "-out", ca.toString(), "-days", "30", "-subj", "/CN=UPC test CA");
            openssl(tls, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=localhost");
            openssl(tls, "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                    "-CAcreateserial", "-out", certificate.toString(), "-days", "30", "-extfile", extensions.toString());
            Files.delete(caKey);
            return new ClusterTls(ca, certificate, key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the cluster's certificates", e);
        }
    }

    /** What trusts this CA only. */
    public SSLContext clientContext() {
        return TrustedCertificates.context(caCertificate);
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("openssl " + args[0] + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while openssl ran", e);
        }
    }
}
