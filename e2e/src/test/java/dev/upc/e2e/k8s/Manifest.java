package dev.upc.e2e.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/** The objects of one rendered overlay (or of a hand-written snippet), in document order. */
record Manifest(List<K8sObject> objects) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    Manifest {
        objects = List.copyOf(objects);
    }

    /** A multi-document YAML; empty documents (a lone {@code ---}) are left out. */
    static Manifest parse(String yaml) {
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            return new Manifest(documents.readAll().stream().filter(node -> node != null && !node.isNull()
                    && !node.isMissingNode()).map(K8sObject::new).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("not YAML: " + e.getMessage(), e);
        }
    }

    List<K8sObject> ofKind(String kind) {
        return objects.stream().filter(object -> object.kind().equals(kind)).toList();
    }

    Optional<K8sObject> find(String kind, String name) {
        return ofKind(kind).stream().filter(object -> object.name().equals(name)).findFirst();
    }

    List<K8sObject> workloads() {
        return objects.stream().filter(K8sObject::isWorkload).toList();
    }

    /** The objects as plain data, to compare two renderings regardless of key order and formatting. */
    List<JsonNode> asData() {
        return objects.stream().map(K8sObject::json).toList();
    }
}
