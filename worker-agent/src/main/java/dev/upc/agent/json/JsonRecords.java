package dev.upc.agent.json;

import com.fasterxml.jackson.annotation.JsonValue;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's records (the wire types of {@code dev.upc.protocol}, its state file) to and from JSON, as the services'
 * Jackson writes and reads them: a record is an object of its components, an {@link Instant} an ISO-8601 string, an
 * enum its name (or its {@link JsonValue}), unknown members are ignored and missing ones are null (zero for
 * primitives).
 *
 * <p>Why not Jackson's data binding, which the agent used before: its first use costs a JVM start ~500 classes and
 * the introspection of every record (~60 ms to build the mapper and ~100 ms to read the state file the first time,
 * measured in the agent's start with an AOT cache), which was a third of the time from start to registered. This is a
 * few hundred lines: a record's shape is read once from its components and canonical constructor.
 */
public final class JsonRecords {

    private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();
    /** An enum class's {@link JsonValue} method, if it has one. */
    private static final Map<Class<?>, Optional<Method>> ENUM_VALUES = new ConcurrentHashMap<>();

    private JsonRecords() {
    }

    /** {@code value} as compact JSON (UTF-8). */
    public static byte[] write(Object value) {
        return JsonText.write(toPlain(value), false).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code value} as JSON laid out for people to read (UTF-8). */
    public static byte[] writeIndented(Object value) {
        return JsonText.write(toPlain(value), true).getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code type} that {@code json} (UTF-8) holds. */
    public static <T> T read(byte[] json, Class<T> type) {
        return type.cast(fromPlain(JsonText.parse(new String(json, StandardCharsets.UTF_8)), type, "$"));
    }

    /** The plain value (maps, lists, strings, numbers, booleans, null) of JSON text, for answers of no fixed shape. */
    public static Object parse(byte[] json) {
        return JsonText.parse(new String(json, StandardCharsets.UTF_8));
    }

    // ---- records to plain values -----------------------------------------------------------------------------------

    static Object toPlain(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof Double) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Instant) {
            return value.toString();
        }
        if (value instanceof Enum<?> e) {
            return enumText(e);
        }
        if (value instanceof Record record) {
            Shape shape = shape(record.getClass());
            Map<String, Object> members = new LinkedHashMap<>();
            for (int i = 0; i < shape.components.length; i++) {
                try {
                    members.put(shape.components[i].getName(), toPlain(shape.accessors[i].invoke(record)));
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new JsonException("cannot read " + shape.components[i].getName() + " of "
                            + record.getClass().getSimpleName(), e);
                }
            }
            return members;
        }
        if (value instanceof Collection<?> items) {
            List<Object> list = new ArrayList<>(items.size());
            for (Object item : items) {
                list.add(toPlain(item));
            }
            return list;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> members = new LinkedHashMap<>();
            map.forEach((key, item) -> members.put(String.valueOf(key), toPlain(item)));
            return members;
        }
        throw new JsonException("no JSON form for " + value.getClass().getName());
    }

    // ---- plain values to records -----------------------------------------------------------------------------------

    static Object fromPlain(Object plain, Type type, String path) {
        Class<?> raw = rawClass(type);
        if (plain == null) {
            return raw.isPrimitive() ? primitiveZero(raw) : null;
        }
        if (raw == Object.class) {
            return plain;
        }
        if (raw == String.class) {
            return expect(plain, String.class, "a string", path);
        }
        if (raw == int.class || raw == Integer.class) {
            Number n = expect(plain, Number.class, "a number", path);
            if (n.doubleValue() < Integer.MIN_VALUE || n.doubleValue() > Integer.MAX_VALUE) {
                throw new JsonException(path + ": " + n + " does not fit an int");
            }
            return n.intValue();
        }
        if (raw == long.class || raw == Long.class) {
            return expect(plain, Number.class, "a number", path).longValue();
        }
        if (raw == double.class || raw == Double.class) {
            return expect(plain, Number.class, "a number", path).doubleValue();
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return expect(plain, Boolean.class, "true or false", path);
        }
        if (raw == Instant.class) {
            if (plain instanceof Number seconds) {
                double s = seconds.doubleValue();
                return Instant.ofEpochSecond((long) Math.floor(s), Math.round((s - Math.floor(s)) * 1e9));
            }
            String text = expect(plain, String.class, "an ISO-8601 instant", path);
            Instant utc = utcInstant(text);
            if (utc != null) {
                return utc;
            }
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new JsonException(path + ": not an ISO-8601 instant: " + plain, e);
            }
        }
        if (raw.isEnum()) {
            String text = expect(plain, String.class, "a string", path);
            for (Object constant : raw.getEnumConstants()) {
                Enum<?> e = (Enum<?>) constant;
                if (e.name().equals(text) || enumText(e).equals(text)) {
                    return e;
                }
            }
            throw new JsonException(path + ": '" + text + "' is not one of " + List.of(raw.getEnumConstants()));
        }
        if (raw.isRecord()) {
            Map<?, ?> members = expect(plain, Map.class, "an object", path);
            Shape shape = shape(raw);
            Object[] args = new Object[shape.components.length];
            for (int i = 0; i < args.length; i++) {
                RecordComponent component = shape.components[i];
                args[i] = fromPlain(members.get(component.getName()), component.getGenericType(),
                        path + "." + component.getName());
            }
            try {
                return shape.constructor.newInstance(args);
            } catch (InvocationTargetException e) {
                throw new JsonException(path + ": " + raw.getSimpleName() + " refused its values: "
                        + e.getCause().getMessage(), e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new JsonException(path + ": cannot make a " + raw.getSimpleName(), e);
            }
        }
        if (List.class.isAssignableFrom(raw) || raw == Collection.class) {
            List<?> items = expect(plain, List.class, "an array", path);
            Type element = typeArgument(type, 0);
            List<Object> list = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                list.add(fromPlain(items.get(i), element, path + "[" + i + "]"));
            }
            return list;
        }
        if (Map.class.isAssignableFrom(raw)) {
            Map<?, ?> members = expect(plain, Map.class, "an object", path);
            Type valueType = typeArgument(type, 1);
            Map<String, Object> map = new LinkedHashMap<>();
            members.forEach((key, item) -> map.put((String) key, fromPlain(item, valueType, path + "." + key)));
            return map;
        }
        throw new JsonException(path + ": no JSON form for " + raw.getName());
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f…]Z}, the form Jackson and {@link Instant#toString()} write, without
     * {@link Instant#parse}: its formatter's first use costs ~18 ms of a cold start. Null for any other form.
     */
    static Instant utcInstant(String text) {
        int n = text.length();
        if (n < 20 || n > 30 || text.charAt(n - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        if (n > 20) {
            if (text.charAt(19) != '.' || n == 21) {
                return null;
            }
            int fraction = digits(text, 20, n - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 1 - 20; i < 9; i++) {
                nanos *= 10;
            }
        } else if (text.charAt(19) != 'Z') {
            return null;
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        try {
            long days = java.time.LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
        } catch (java.time.DateTimeException e) {
            return null; // e.g. February 30th: let Instant.parse say so
        }
    }

    /** The decimal number in {@code text[from, to)}, or -1 if it is not all digits. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static <T> T expect(Object plain, Class<T> type, String what, String path) {
        if (!type.isInstance(plain)) {
            throw new JsonException(path + ": " + what + " expected, found " + describe(plain));
        }
        return type.cast(plain);
    }

    private static String describe(Object plain) {
        if (plain instanceof Map) {
            return "an object";
        }
        if (plain instanceof List) {
            return "an array";
        }
        return plain instanceof String ? "a string" : String.valueOf(plain);
    }

    private static Object primitiveZero(Class<?> primitive) {
        if (primitive == boolean.class) {
            return false;
        }
        if (primitive == int.class) {
            return 0;
        }
        if (primitive == long.class) {
            return 0L;
        }
        if (primitive == double.class) {
            return 0.0;
        }
        throw new JsonException("no JSON form for " + primitive);
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (type instanceof WildcardType w) {
            return rawClass(w.getUpperBounds()[0]);
        }
        return Object.class;
    }

    private static Type typeArgument(Type type, int index) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments().length > index
                ? p.getActualTypeArguments()[index] : Object.class;
    }

    private static String enumText(Enum<?> e) {
        Optional<Method> value = ENUM_VALUES.computeIfAbsent(e.getDeclaringClass(), JsonRecords::jsonValueMethod);
        if (value.isEmpty()) {
            return e.name();
        }
        try {
            return String.valueOf(value.get().invoke(e));
        } catch (ReflectiveOperationException failed) {
            throw new JsonException("cannot read the JSON value of " + e, failed);
        }
    }

    private static Optional<Method> jsonValueMethod(Class<?> enumClass) {
        for (Method method : enumClass.getMethods()) {
            if (method.getParameterCount() == 0 && method.isAnnotationPresent(JsonValue.class)) {
                return Optional.of(method);
            }
        }
        return Optional.empty();
    }

    private static Shape shape(Class<?> recordClass) {
        return SHAPES.computeIfAbsent(recordClass, Shape::of);
    }

    /** A record class's components, their accessors and its canonical constructor. */
    private record Shape(RecordComponent[] components, Method[] accessors, Constructor<?> constructor) {

        static Shape of(Class<?> recordClass) {
            RecordComponent[] components = recordClass.getRecordComponents();
            Method[] accessors = new Method[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                accessors[i] = components[i].getAccessor();
                accessors[i].setAccessible(true);
                types[i] = components[i].getType();
            }
            try {
                Constructor<?> constructor = recordClass.getDeclaredConstructor(types);
                constructor.setAccessible(true);
                return new Shape(components, accessors, constructor);
            } catch (NoSuchMethodException e) {
                throw new JsonException(recordClass.getName() + " has no canonical constructor", e);
            }
        }
    }
}
