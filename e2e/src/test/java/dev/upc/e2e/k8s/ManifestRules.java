package dev.upc.e2e.k8s;

import java.util.List;
import java.util.Map;

/**
 * What an overlay's objects are checked against.
 *
 * @param imageRepository where the images come from: {@code localhost/upc} or {@code registry.example.org/upc}
 * @param version         the project version every image is tagged with
 * @param services        the UPC services by image name (registry, scheduler, store)
 * @param secrets         the Secrets a deployment has, with their keys ({@link DeploymentSecrets#KEYS})
 */
record ManifestRules(String imageRepository, String version, Map<String, ServiceConfig> services,
        Map<String, List<String>> secrets) {

    /** The images of UPC: its three services and its PostgreSQL. */
    static final List<String> IMAGES = List.of("registry", "scheduler", "store", "postgres");

    ManifestRules {
        services = Map.copyOf(services);
        secrets = Map.copyOf(secrets);
    }
}
