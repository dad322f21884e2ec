package dev.upc.agent.libpod.uds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Size and SHA-256 of a body, as one side saw it; the scripted server sends it back as JSON. */
record BodyDigest(long bytes, String sha256) {

    private static final ObjectMapper JSON = new ObjectMapper();

    String json() {
        return "{\"bytes\":" + bytes + ",\"sha256\":\"" + sha256 + "\"}";
    }

    static BodyDigest fromJson(byte[] json) throws IOException {
        JsonNode node = JSON.readTree(json);
        return new BodyDigest(node.path("bytes").asLong(-1), node.path("sha256").asText());
    }
}
