package dev.upc.servicehttp.tls;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * UPC's three TLS settings, turned into Quarkus's (whose PEM key stores are keyed by a name no environment variable
 * can carry):
 * <ul>
 *   <li>{@code UPC_TLS_CERT_FILE} and {@code UPC_TLS_KEY_FILE} (PEM; system properties {@code upc.tls.cert-file},
 *       {@code upc.tls.key-file}): the service serves HTTPS only, on its usual port, and plain HTTP is refused;
 *       HTTP/1.1 only, as on plain HTTP (Quarkus would offer HTTP/2 over TLS, where a body need not announce its
 *       length, and the refusal of a body sent without a token relies on it; no UPC client speaks HTTP/2);</li>
 *   <li>{@code UPC_TLS_CA_FILE} ({@code upc.tls.ca-file}): the certificates the service trusts when it calls another
 *       service (the scheduler calls the registry and the store); without it, the JVM's own.</li>
 * </ul>
 * Its ordinal is above application.properties and below the environment and system properties, so Quarkus's own TLS
 * properties set there still win. Nothing is set when the settings are absent: the service speaks plain HTTP (behind
 * a TLS-terminating ingress, or on a trusted network).
 */
public final class TlsConfigSource implements ConfigSource {

    /** The name of the key store pair in Quarkus's TLS registry. */
    static final String PAIR = "upc";
    /**
     * The TLS configuration of the service's own calls to the others: every REST client's, and what a hand-made client
     * asks the registry for ({@code TlsConfigurationRegistry.get(CLIENTS)}).
     */
    public static final String CLIENTS = "upc-clients";
    private static final int ORDINAL = 270;

    private final Map<String, String> properties;

    public TlsConfigSource() {
        this(name -> {
            String property = System.getProperty("upc.tls." + name);
            return property != null ? property
                    : System.getenv("UPC_TLS_" + name.replace('-', '_').toUpperCase(java.util.Locale.ROOT));
        });
    }

    TlsConfigSource(Function<String, String> settings) {
        this.properties = Map.copyOf(properties(settings));
    }

    static Map<String, String> properties(Function<String, String> settings) {
        Map<String, String> properties = new HashMap<>();
        String cert = blankToNull(settings.apply("cert-file"));
        String key = blankToNull(settings.apply("key-file"));
        if (cert != null && key != null) {
            properties.put("quarkus.tls.key-store.pem." + PAIR + ".cert", cert);
            properties.put("quarkus.tls.key-store.pem." + PAIR + ".key", key);
            properties.put("quarkus.http.insecure-requests", "disabled");
            properties.put("quarkus.http.http2", "false");
            properties.put("quarkus.http.ssl-port", "${quarkus.http.port:8080}");
        } else if (cert != null || key != null) {
            throw new IllegalStateException("TLS needs both UPC_TLS_CERT_FILE and UPC_TLS_KEY_FILE; only "
                    + (cert != null ? "the certificate" : "the key") + " is set");
        }
        String ca = blankToNull(settings.apply("ca-file"));
        if (ca != null) {
            properties.put("quarkus.tls." + CLIENTS + ".trust-store.pem.certs", ca);
            properties.put("quarkus.rest-client.tls-configuration-name", CLIENTS);
        }
        return properties;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "upc-tls";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
