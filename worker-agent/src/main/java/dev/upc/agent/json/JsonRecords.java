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
    private static final Map<Class<?>, Method> ENUM_VALUES = new ConcurrentHashMap<>();
    private static final Method NO_VALUE_METHOD;

    static {
        try {
            NO_VALUE_METHOD = Object.class.getMethod("toString");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

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
            try {
                return Instant.parse(expect(plain, String.class, "an ISO-8601 instant", path));
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
        Method value = ENUM_VALUES.computeIfAbsent(e.getDeclaringClass(), JsonRecords::jsonValueMethod);
        if (value == NO_VALUE_METHOD) {
            return e.name();
        }
        try {
            return String.valueOf(value.invoke(e));
        } catch (ReflectiveOperationException failed) {
            throw new JsonException("cannot read the JSON value of " + e, failed);
        }
    }

    private static Method jsonValueMethod(Class<?> enumClass) {
        for (Method method : enumClass.getMethods()) {
            if (method.getParameterCount() == 0 && method.isAnnotationPresent(JsonValue.class)) {
                return method;
            }
        }
        return NO_VALUE_METHOD;
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
