package dev.upc.e2e.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** A container of a pod template, with the lookups the checks need. */
record Container(JsonNode json) {

    String name() {
        return json.path("name").asText();
    }

    Image image() {
        return Image.parse(json.path("image").asText());
    }

    List<JsonNode> env() {
        List<JsonNode> env = new ArrayList<>();
        json.path("env").forEach(env::add);
        return env;
    }

    /** The literal value of an environment variable ({@code value:}, not {@code valueFrom:}). */
    Optional<String> envValue(String name) {
        return env().stream().filter(variable -> variable.path("name").asText().equals(name))
                .filter(variable -> variable.has("value")).map(variable -> variable.path("value").asText())
                .findFirst();
    }

    List<JsonNode> ports() {
        List<JsonNode> ports = new ArrayList<>();
        json.path("ports").forEach(ports::add);
        return ports;
    }

    /** A port given as a number or as the name of one of the container's ports; empty if it names none. */
    OptionalInt resolvePort(JsonNode port) {
        if (port.canConvertToInt() && !port.isTextual()) {
            return OptionalInt.of(port.asInt());
        }
        return ports().stream().filter(p -> p.path("name").asText().equals(port.asText()))
                .mapToInt(p -> p.path("containerPort").asInt()).findFirst();
    }

    boolean hasPort(JsonNode port) {
        OptionalInt number = resolvePort(port);
        return number.isPresent()
                && ports().stream().anyMatch(p -> p.path("containerPort").asInt() == number.getAsInt());
    }
}
