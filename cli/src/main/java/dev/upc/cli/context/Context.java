package dev.upc.cli.context;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One saved way to reach a cluster: its scheduler's URL and either the token itself or the file that holds it (read
 * at every use, so a rotated file is picked up), and the CA file its HTTPS must chain to, if not the JVM's list.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Context(String server, String token, String tokenFile, String caFile) {

    public Context(String server, String token, String tokenFile) {
        this(server, token, tokenFile, null);
    }
}
