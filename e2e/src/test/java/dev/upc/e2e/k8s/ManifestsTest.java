package dev.upc.e2e.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.upc.e2e.job.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The overlays of {@code k8s/} as kubectl renders them: valid Kubernetes objects that fit the services they run.
 * Debian's kubectl 1.20 (kustomize v2.0.3, what {@code ./upc} installs) and a newer one, where both are here, must
 * render the same objects.
 */
class ManifestsTest {

    /** Where Debian's package kubernetes-client was unpacked on machines whose PATH has a newer kubectl. */
    private static final Path DEBIAN_KUBECTL = Path.of("/opt/kubectl-debian/usr/bin/kubectl");
    private static final Map<String, String> IMAGE_REPOSITORIES = Map.of(
            "local", "localhost/upc",
            "production", "registry.example.org/upc",
            "production-tls", "registry.example.org/upc");

    private static Path repo;
    private static List<String> kubectls;
    /** overlay → kubectl → rendered objects */
    private static final Map<String, Map<String, Manifest>> RENDERED = new LinkedHashMap<>();

    @BeforeAll
    static void render() {
        kubectls = new ArrayList<>();
        onPath("kubectl").ifPresent(kubectls::add);
        assumeTrue(!kubectls.isEmpty(), "no kubectl on PATH: the k8s/ manifests are not checked "
                + "(./upc test installs Debian's kubernetes-client)");
        if (Files.isExecutable(DEBIAN_KUBECTL)) {
            kubectls.add(DEBIAN_KUBECTL.toString());
        }
        repo = RepoFiles.find("k8s").getParent();
        for (String overlay : Kustomize.OVERLAYS) {
            Map<String, Manifest> byKubectl = new LinkedHashMap<>();
            for (String kubectl : kubectls) {
                byKubectl.put(kubectl, Manifest.parse(Kustomize.render(kubectl, Kustomize.overlay(repo, overlay))));
            }
            RENDERED.put(overlay, byKubectl);
        }
    }

    static Stream<String> overlays() {
        return Kustomize.OVERLAYS.stream();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyKubectlRendersTheSameObjects(String overlay) {
        Map<String, Manifest> renderings = RENDERED.get(overlay);
        Map<String, JsonNode> first = byId(renderings.values().iterator().next());
        renderings.forEach((kubectl, manifest) -> assertThat(byId(manifest))
                .as("%s rendered by %s and by %s", overlay, kubectls.get(0), kubectl)
                .isEqualTo(first));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theObjectsPassEveryCheck(String overlay) throws IOException {
        ManifestRules rules = new ManifestRules(IMAGE_REPOSITORIES.get(overlay), projectVersion(repo),
                ServiceConfig.of(repo), DeploymentSecrets.KEYS);
        for (Map.Entry<String, Manifest> rendering : RENDERED.get(overlay).entrySet()) {
            assertThat(ManifestCheck.check(rendering.getValue(), rules))
                    .as("problems of overlay %s rendered by %s", overlay, rendering.getKey())
                    .isEmpty();
        }
    }

    @Test
    void productionIsReachedThroughOneIngressAndTheLocalOverlayHasNone() {
        assertThat(first("production").ofKind("Ingress")).hasSize(1);
        assertThat(first("local").ofKind("Ingress")).isEmpty();
    }

    @Test
    void productionTlsServesEveryServiceOverHttpsOnlyAndCallsThemSo() {
        Manifest tls = first("production-tls");
        for (K8sObject workload : tls.workloads()) {
            for (Container container : workload.containers()) {
                if (container.image().name().equals("postgres")) {
                    continue;
                }
                assertThat(container.envValue("UPC_TLS_CERT_FILE")).as(container.name()).contains("/etc/upc/tls/tls.crt");
                assertThat(container.envValue("UPC_TLS_KEY_FILE")).as(container.name()).contains("/etc/upc/tls/tls.key");
                assertThat(container.envValue("UPC_TLS_CA_FILE")).as(container.name()).contains("/etc/upc/tls/ca.crt");
                for (String probe : List.of("readinessProbe", "livenessProbe")) {
                    assertThat(container.json().path(probe).path("httpGet").path("scheme").asText())
                            .as(container.name() + " " + probe).isEqualTo("HTTPS");
                }
            }
        }
        JsonNode config = tls.find("ConfigMap", "upc-config").orElseThrow().json().path("data");
        assertThat(config.path("UPC_REGISTRY_URL").asText()).startsWith("https://");
        assertThat(config.path("UPC_STORE_URL").asText()).startsWith("https://");
        assertThat(tls.ofKind("Ingress").get(0).json().at("/metadata/annotations")
                .path("nginx.ingress.kubernetes.io/backend-protocol").asText()).isEqualTo("HTTPS");
    }

    @Test
    void everyOverlayRunsTheThreeServicesAndPostgres() {
        for (String overlay : Kustomize.OVERLAYS) {
            assertThat(first(overlay).workloads().stream().flatMap(workload -> workload.containers().stream())
                    .map(container -> container.image().name()))
                    .as(overlay).containsExactlyInAnyOrderElementsOf(ManifestRules.IMAGES);
        }
    }

    private static Manifest first(String overlay) {
        return RENDERED.get(overlay).values().iterator().next();
    }

    /**
     * The objects by {@code Kind/name}, so document order does not count; nor does the order of a pod's volumes,
     * which Kubernetes matches by name: kustomize v5 moves a strategically merged volume to the front, v2 does not.
     */
    private static Map<String, JsonNode> byId(Manifest manifest) {
        Map<String, JsonNode> objects = new TreeMap<>();
        for (K8sObject object : manifest.objects()) {
            JsonNode json = object.json().deepCopy();
            if (json.at("/spec/template/spec/volumes") instanceof ArrayNode volumes) {
                List<JsonNode> sorted = new ArrayList<>();
                volumes.forEach(sorted::add);
                sorted.sort(Comparator.comparing(volume -> volume.path("name").asText()));
                volumes.removeAll().addAll(sorted);
            }
            objects.put(object.id(), json);
        }
        return objects;
    }

    /** The version of the root pom.xml, which every image is tagged with. */
    static String projectVersion(Path repo) throws IOException {
        Matcher version = Pattern.compile("<artifactId>upc-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(repo.resolve("pom.xml")));
        if (!version.find()) {
            throw new IllegalStateException("no version of upc-parent in " + repo.resolve("pom.xml"));
        }
        return version.group(1);
    }

    private static java.util.Optional<String> onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, command)).filter(Files::isExecutable)
                .map(Path::toString).findFirst();
    }
}
