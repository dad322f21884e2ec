package dev.upc.servicetesting;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Who may call what, as one table a reader can check at a glance, and the means to prove it against a running
 * service: every endpoint × every kind of caller → the status expected.
 *
 * <p>The table is text, one row per endpoint and one column per caller:
 * <pre>
 *                                  none admin owner other
 * GET    /api/v1/jobs/{jobId}       401   200   200   404
 * DELETE /api/v1/jobs/{jobId}       401   200   200   404
 * </pre>
 * A cell is a status, a status and the {@code error} of its {@code ErrorResponse} ({@code 404:job_not_found}), or
 * {@code ok} for "let through": anything but 401, 403 and a 5xx (the call is authorized and its answer depends on its
 * body). {@link #endpoints} finds every JAX-RS endpoint of a service's own classes, so a new
 * endpoint without a row fails the test that checks the table covers them all.
 */
public final class AuthorizationMatrix {

    /** What a cell expects: a status (0 for any an authorized call can get) and, when given, the error's code. */
    public record Cell(int status, String error) {

        static Cell parse(String text) {
            if (text.equals("ok")) {
                return new Cell(0, null);
            }
            int colon = text.indexOf(':');
            return colon < 0 ? new Cell(Integer.parseInt(text), null)
                    : new Cell(Integer.parseInt(text.substring(0, colon)), text.substring(colon + 1));
        }

        /** Whether an answer is what the cell expects; "ok" accepts anything but 401, 403 and a 5xx. */
        public boolean matches(int actual, String body) {
            if (status == 0) {
                return actual != 401 && actual != 403 && actual < 500;
            }
            return actual == status && (error == null || body.contains("\"error\":\"" + error + "\""));
        }

        @Override
        public String toString() {
            return status == 0 ? "ok" : error == null ? String.valueOf(status) : status + ":" + error;
        }
    }

    private final List<String> callers;
    private final SortedMap<String, Map<String, Cell>> rows;

    private AuthorizationMatrix(List<String> callers, SortedMap<String, Map<String, Cell>> rows) {
        this.callers = callers;
        this.rows = rows;
    }

    /** Reads the table: a header line of caller names, then {@code METHOD /path cell…} per endpoint. */
    public static AuthorizationMatrix parse(String table) {
        List<String> lines = table.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        List<String> callers = List.of(lines.get(0).split("\\s+"));
        SortedMap<String, Map<String, Cell>> rows = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split("\\s+");
            if (cells.length != callers.size() + 2) {
                throw new IllegalArgumentException("expected " + callers.size() + " cells after the endpoint: " + line);
            }
            Map<String, Cell> expected = new LinkedHashMap<>();
            for (int i = 0; i < callers.size(); i++) {
                expected.put(callers.get(i), Cell.parse(cells[i + 2]));
            }
            if (rows.put(cells[0] + " " + cells[1], expected) != null) {
                throw new IllegalArgumentException("endpoint twice in the table: " + cells[0] + " " + cells[1]);
            }
        }
        return new AuthorizationMatrix(callers, rows);
    }

    public List<String> callers() {
        return callers;
    }

    /** {@code METHOD /path} of every row, sorted. */
    public List<String> endpoints() {
        return List.copyOf(rows.keySet());
    }

    public Cell expected(String endpoint, String caller) {
        return rows.get(endpoint).get(caller);
    }

    /** How one caller makes one call: its credentials and a body; the matrix sends it to the path and checks. */
    @FunctionalInterface
    public interface Caller {
        RequestSpecification prepare(String endpoint);
    }

    /**
     * Makes every call of the table as every caller and returns what the table did not expect, one line each (empty
     * when everything holds). A 4xx must also carry an {@code ErrorResponse}.
     *
     * @param callers how each column's caller calls (credentials, a body)
     * @param pathOf  the concrete path of an endpoint for one call (fresh objects, so one call cannot change the next);
     *                asked before the caller prepares that call
     */
    public List<String> violations(Map<String, Caller> callers, Function<String, String> pathOf) {
        List<String> wrong = new ArrayList<>();
        for (String endpoint : endpoints()) {
            String verb = endpoint.substring(0, endpoint.indexOf(' '));
            for (String caller : this.callers) {
                String path = pathOf.apply(endpoint);
                Response response = callers.get(caller).prepare(endpoint).request(verb, path);
                String body = response.asString();
                Cell expected = expected(endpoint, caller);
                if (!expected.matches(response.statusCode(), body)) {
                    wrong.add(String.format("%-50s %-10s expected %s, got %d %s", endpoint, caller, expected,
                            response.statusCode(), body));
                } else if (response.statusCode() >= 400 && !verb.equals("HEAD") && !body.contains("\"error\"")) {
                    wrong.add(endpoint + " " + caller + ": " + response.statusCode() + " without an ErrorResponse");
                }
            }
        }
        return wrong;
    }

    /**
     * Every endpoint ({@code METHOD /path}) of the JAX-RS resources under {@code rootPackage} as compiled into the
     * directory the given class was loaded from, with the media type it consumes (or null).
     */
    public static SortedMap<String, String> endpoints(Class<?> anyClassOfTheService, String rootPackage) {
        SortedMap<String, String> endpoints = new TreeMap<>();
        for (Class<?> type : classesUnder(anyClassOfTheService, rootPackage)) {
            Path classPath = type.getAnnotation(Path.class);
            if (classPath == null) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                String verb = verbOf(method);
                if (verb == null) {
                    continue;
                }
                Path methodPath = method.getAnnotation(Path.class);
                String path = join(classPath.value(), methodPath == null ? "" : methodPath.value());
                Consumes consumes = method.getAnnotation(Consumes.class);
                if (consumes == null) {
                    consumes = type.getAnnotation(Consumes.class);
                }
                endpoints.merge(verb + " " + path, consumes == null ? "" : consumes.value()[0], (a, b) -> a);
            }
        }
        return endpoints;
    }

    private static String verbOf(Method method) {
        for (Class<? extends Annotation> verb : List.of(GET.class, POST.class, PUT.class, DELETE.class, HEAD.class)) {
            if (method.isAnnotationPresent(verb)) {
                return verb.getSimpleName();
            }
        }
        return null;
    }

    private static String join(String base, String path) {
        String joined = ("/" + base + "/" + path).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    private static List<Class<?>> classesUnder(Class<?> anchor, String rootPackage) {
        try {
            java.nio.file.Path root = java.nio.file.Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            List<Class<?>> classes = new ArrayList<>();
            try (Stream<java.nio.file.Path> files = Files.walk(root.resolve(rootPackage.replace('.', '/')))) {
                for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                    String name = root.relativize(file).toString().replace('/', '.');
                    classes.add(Class.forName(name.substring(0, name.length() - ".class".length()), false,
                            anchor.getClassLoader()));
                }
            }
            return Collections.unmodifiableList(classes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot list the classes of " + rootPackage, e);
        }
    }

    @Override
    public String toString() {
        return callers + " × " + Arrays.toString(rows.keySet().toArray());
    }
}
