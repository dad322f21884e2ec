package dev.upc.servicetesting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The audit lines ({@code upc.audit}) a service under test writes while this is open, parsed. */
public final class AuditLines implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Logger logger = Logger.getLogger("upc.audit");
    private final List<Map<String, Object>> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            try {
                lines.add(JSON.readValue(record.getMessage(), new TypeReference<Map<String, Object>>() { }));
            } catch (JsonProcessingException e) {
                throw new AssertionError("an audit line that is not JSON: " + record.getMessage(), e);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private final java.util.logging.Level levelBefore = logger.getLevel();

    /** Captures at INFO, the level the services write the trail at (the test profile keeps it quiet otherwise). */
    private AuditLines() {
        logger.setLevel(java.util.logging.Level.INFO);
        logger.addHandler(handler);
    }

    public static AuditLines capture() {
        return new AuditLines();
    }

    public List<Map<String, Object>> lines() {
        return List.copyOf(lines);
    }

    /** The lines whose {@code action} is {@code action}. */
    public List<Map<String, Object>> of(String action) {
        return lines.stream().filter(line -> action.equals(line.get("action"))).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(levelBefore);
    }
}
