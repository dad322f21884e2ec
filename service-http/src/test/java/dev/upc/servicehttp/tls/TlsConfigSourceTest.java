package dev.upc.servicehttp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TlsConfigSourceTest {

    @Test
    void nothingSetLeavesThePlainHttpService() {
        assertThat(TlsConfigSource.properties(Map.<String, String>of()::get)).isEmpty();
    }

    @Test
    void aCertificateAndKeyServeHttpsOnlyOnTheUsualPort() {
        Map<String, String> properties = TlsConfigSource.properties(
                Map.of("cert-file", "/etc/upc/tls/tls.crt", "key-file", "/etc/upc/tls/tls.key")::get);

        assertThat(properties).containsEntry("quarkus.tls.key-store.pem.upc.cert", "/etc/upc/tls/tls.crt")
                .containsEntry("quarkus.tls.key-store.pem.upc.key", "/etc/upc/tls/tls.key")
                .containsEntry("quarkus.http.insecure-requests", "disabled")
                .containsEntry("quarkus.http.http2", "false")
                .containsEntry("quarkus.http.ssl-port", "${quarkus.http.port:8080}")
                .doesNotContainKey("quarkus.rest-client.tls-configuration-name");
    }

    @Test
    void aCaFileIsWhatTheServicesOwnCallsTrust() {
        assertThat(TlsConfigSource.properties(Map.of("ca-file", " /etc/upc/tls/ca.crt ")::get))
                .containsOnly(Map.entry("quarkus.tls.upc-clients.trust-store.pem.certs", "/etc/upc/tls/ca.crt"),
                        Map.entry("quarkus.rest-client.tls-configuration-name", "upc-clients"));
    }

    @Test
    void aCertificateWithoutItsKeyIsAnErrorNotPlainHttp() {
        assertThatThrownBy(() -> TlsConfigSource.properties(Map.of("cert-file", "/etc/upc/tls/tls.crt")::get))
                .hasMessage("TLS needs both UPC_TLS_CERT_FILE and UPC_TLS_KEY_FILE; only the certificate is set");
    }
}
