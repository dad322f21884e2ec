package dev.upc.agent.owner;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What systemd-logind says about one session ({@code loginctl show-session}).
 *
 * @param idleSince {@code IdleSinceHint}: for a graphical session when the desktop last changed its idle hint;
 *                  for a text session the last input on its tty; {@code null} when logind does not know
 */
public record LogindSession(String id, String type, String sessionClass, boolean remote, String state,
        boolean idleHint, Instant idleSince, boolean lockedHint) {

    private static final Set<String> GRAPHICAL = Set.of("x11", "wayland", "mir");

    /**
     * Whether somebody sits at this PC in this session. Only local sessions of class {@code user} count: not ssh,
     * not the login screen ({@code greeter}), not cron's or a lingering user's sessions ({@code unspecified} type,
     * or {@code closing} state), not a locked screen.
     *
     * <p>A graphical session is in use while the desktop says it is not idle (GNOME says idle after 5 min without
     * input), and for {@code grace} after. A text session's hint stays "not idle" unless logind has an IdleAction,
     * so for it the last input on its tty decides: in use for {@code grace} after the last keystroke.
     */
    public boolean inUse(Instant now, Duration grace) {
        if (remote || !sessionClass.equals("user") || state.equals("closing") || lockedHint) {
            return false;
        }
        boolean graphical = GRAPHICAL.contains(type);
        if (!graphical && !type.equals("tty")) {
            return false;
        }
        if (graphical && !idleHint) {
            return true;
        }
        if (idleSince == null) {
            // A text session whose tty logind cannot read: someone logged in at the console, so assume in use.
            return !idleHint;
        }
        return Duration.between(idleSince, now).compareTo(grace) < 0;
    }

    /**
     * Parses the output of {@code loginctl show-session ID… -p Id -p Type …}: one block of {@code Key=value} lines
     * per session, blocks separated by a blank line.
     */
    public static List<LogindSession> parseShowSession(String output) {
        List<LogindSession> sessions = new ArrayList<>();
        Map<String, String> block = new HashMap<>();
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                if (!block.isEmpty()) {
                    sessions.add(of(block));
                    block.clear();
                }
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("not a Key=value line in loginctl show-session output: " + line);
            }
            block.put(line.substring(0, equals), line.substring(equals + 1).strip());
        }
        if (!block.isEmpty()) {
            sessions.add(of(block));
        }
        return sessions;
    }

    /** Session ids from the output of {@code loginctl list-sessions --no-legend} (the first column). */
    public static List<String> parseListSessions(String output) {
        List<String> ids = new ArrayList<>();
        for (String line : output.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty()) {
                ids.add(trimmed.split("\\s+", 2)[0]);
            }
        }
        return ids;
    }

    private static LogindSession of(Map<String, String> properties) {
        String id = properties.get("Id");
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("a loginctl show-session block without Id: " + properties);
        }
        long idleSinceMicros = parseLong(properties.getOrDefault("IdleSinceHint", "0"), "IdleSinceHint");
        Instant idleSince = idleSinceMicros <= 0 ? null
                : Instant.ofEpochSecond(idleSinceMicros / 1_000_000, (idleSinceMicros % 1_000_000) * 1000);
        return new LogindSession(id, properties.getOrDefault("Type", ""), properties.getOrDefault("Class", ""),
                yes(properties.get("Remote")), properties.getOrDefault("State", ""), yes(properties.get("IdleHint")),
                idleSince, yes(properties.get("LockedHint")));
    }

    private static boolean yes(String value) {
        return "yes".equals(value);
    }

    private static long parseLong(String value, String key) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number in loginctl output: " + value, e);
        }
    }
}
