package dev.upc.cli.client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a service URL from a base URL (which may carry a path prefix behind an ingress), an {@link
 * dev.upc.protocol.ApiPaths} template with its {@code {name}} segments filled in, and query parameters.
 */
final class ApiUrl {

    private final URI base;
    private String path;
    private final Map<String, String> query = new LinkedHashMap<>();

    private ApiUrl(URI base, String template) {
        this.base = base;
        this.path = template;
    }

    static ApiUrl of(URI base, String template) {
        return new ApiUrl(base, template);
    }

    /** Fills {@code {name}} with {@code value}, escaped as one path segment. */
    ApiUrl with(String name, String value) {
        path = path.replace("{" + name + "}", segment(value));
        return this;
    }

    /** Adds {@code name=value} unless the value is null. */
    ApiUrl param(String name, Object value) {
        if (value != null) {
            query.put(name, value.toString());
        }
        return this;
    }

    URI toUri() {
        String prefix = base.toString();
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        StringBuilder url = new StringBuilder(prefix).append(path);
        char separator = '?';
        for (Map.Entry<String, String> entry : query.entrySet()) {
            url.append(separator).append(URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return URI.create(url.toString());
    }

    /** RFC 3986 unreserved characters stay, everything else is percent-encoded as UTF-8 (so "/" cannot split it). */
    static String segment(String value) {
        if (value.equals(".") || value.equals("..")) {
            return value.replace(".", "%2E"); // else a URL normaliser would climb a level
        }
        StringBuilder encoded = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                encoded.append(c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return encoded.toString();
    }
}
