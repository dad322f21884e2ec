package dev.upc.e2e.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a UPC service reads from its environment, taken from its {@code application.properties}: every
 * {@code ${NAME}} or {@code ${NAME:default}} there, and the port it listens on unless {@code UPC_HTTP_PORT} says
 * otherwise ({@code quarkus.http.port=${UPC_HTTP_PORT:8080}}).
 *
 * @param image the image's name under {@code <registry>/upc/}: registry, scheduler, store
 */
record ServiceConfig(String image, Set<String> env, int defaultHttpPort) {

    static final String HTTP_PORT_ENV = "UPC_HTTP_PORT";
    /** Image name → the module whose application.properties the image runs. */
    static final Map<String, String> MODULES = Map.of(
            "registry", "registry-service",
            "scheduler", "scheduler-service",
            "store", "checkpoint-store");
    /**
     * Read by the JVM itself in any image, so a deployment may tune the heap without a new image. Keep it this
     * short: anything else a container is given must be a property reference of its service.
     */
    static final Set<String> JVM_ENV = Set.of("JAVA_TOOL_OPTIONS");
    /**
     * Read by every service through service-http's {@code TlsConfigSource} rather than a property reference: HTTPS
     * with this certificate and key, and the CA the service trusts when it calls another.
     */
    static final Set<String> TLS_ENV = Set.of("UPC_TLS_CERT_FILE", "UPC_TLS_KEY_FILE", "UPC_TLS_CA_FILE");

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)[:}]");
    private static final Pattern HTTP_PORT = Pattern.compile(
            "(?m)^quarkus\\.http\\.port=\\$\\{" + HTTP_PORT_ENV + ":(\\d+)}");

    ServiceConfig {
        env = Set.copyOf(env);
    }

    /** The services of the checkout at {@code repo}, by image name. */
    static Map<String, ServiceConfig> of(Path repo) {
        Map<String, ServiceConfig> services = new java.util.TreeMap<>();
        MODULES.forEach((image, module) -> services.put(image,
                parse(image, read(repo.resolve(module).resolve("src/main/resources/application.properties")))));
        return services;
    }

    static ServiceConfig parse(String image, String properties) {
        Set<String> env = new TreeSet<>(JVM_ENV);
        env.addAll(TLS_ENV);
        Matcher reference = REFERENCE.matcher(properties);
        while (reference.find()) {
            env.add(reference.group(1));
        }
        Matcher port = HTTP_PORT.matcher(properties);
        if (!port.find()) {
            throw new IllegalArgumentException("the " + image + " service sets no quarkus.http.port=${" + HTTP_PORT_ENV
                    + ":<port>}: the checks cannot tell where it listens");
        }
        return new ServiceConfig(image, env, Integer.parseInt(port.group(1)));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
