package dev.upc.agent.checkpoint;

import dev.upc.agent.json.JsonText;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A podman dump file ({@code config.dump}, {@code spec.dump}) read as the checks need it, and as Go will read it. Go's
 * {@code encoding/json} matches a key to a struct field ignoring case (and folds {@code ſ} to s and the Kelvin sign
 * to k), and the last of two matching keys wins: a check that looked at {@code privileged} would miss a
 * {@code Privileged} after it. So a key that is not plain ASCII, or that matches another key of its object once
 * folded, is refused, and the checks then compare keys exactly.
 */
final class DumpJson {

    private DumpJson() {
    }

    /** The dump's top-level object. Objects under {@code freeMaps} keys (labels, annotations) hold data, not fields. */
    static Map<String, Object> parse(String what, byte[] bytes, Set<String> freeMaps) throws ArchiveRefusedException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ArchiveRefusedException(what + " is not UTF-8");
        }
        Object parsed;
        try {
            parsed = JsonText.parse(text);
        } catch (RuntimeException e) {
            throw new ArchiveRefusedException(what + " is not JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new ArchiveRefusedException(what + " is not a JSON object");
        }
        checkKeys(what, map, freeMaps);
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) map;
        return root;
    }

    private static void checkKeys(String what, Object value, Set<String> freeMaps) throws ArchiveRefusedException {
        if (value instanceof Map<?, ?> map) {
            Set<String> folded = new HashSet<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = (String) e.getKey();
                if (!key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                    throw new ArchiveRefusedException(what + " has a key that is not plain ASCII");
                }
                if (!folded.add(key.toLowerCase(Locale.ROOT))) {
                    throw new ArchiveRefusedException(what + " has the key " + key + " twice (ignoring case)");
                }
                if (!freeMaps.contains(key)) {
                    checkKeys(what, e.getValue(), freeMaps);
                }
            }
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                checkKeys(what, item, freeMaps);
            }
        }
    }

    /** Null, false, zero, an empty text, list or object: what Go writes for a field that is not set. */
    static boolean unset(Object value) {
        return value == null || Boolean.FALSE.equals(value) || "".equals(value)
                || value instanceof Number n && n.doubleValue() == 0
                || value instanceof List<?> l && l.isEmpty() || value instanceof Map<?, ?> m && m.isEmpty();
    }

    /**
     * The value of field {@code key} as Go reads it: under that key, or under one that differs only in case (keys
     * that fold alike were refused, so there is at most one).
     */
    static Object get(Map<String, Object> parent, String key) {
        if (parent.containsKey(key)) {
            return parent.get(key);
        }
        for (Map.Entry<String, Object> e : parent.entrySet()) {
            if (e.getKey().equalsIgnoreCase(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The object under {@code key}, or an empty one. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> parent, String key) {
        return get(parent, key) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** The list under {@code key}, or an empty one. */
    static List<?> list(Map<String, Object> parent, String key) {
        return get(parent, key) instanceof List<?> l ? l : List.of();
    }

    static String text(Map<String, Object> parent, String key) {
        return get(parent, key) instanceof String s ? s : "";
    }
}
