package dev.upc.agent.owner;

import dev.upc.protocol.OwnerState;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * When the owner lends the PC, e.g. {@code mon-fri 18:00-08:00, sat-sun}: nights and weekends. Outside these hours
 * the PC counts as in use by its owner (ACTIVE), whatever the other detectors say, so its jobs are suspended and move
 * off as when the owner comes back. Each rule names days ({@code mon}…{@code sun}, a range like {@code mon-fri}, or
 * {@code daily}) and optionally a time range in the PC's time zone; a range that ends before it starts runs past
 * midnight and belongs to the day it starts on. No time range means the whole day.
 */
public final class LendingHours implements OwnerDetector {

    /** One rule: on these days, from {@code start} for a range that may run past midnight. */
    record Rule(Set<DayOfWeek> days, LocalTime start, LocalTime end) {

        boolean covers(ZonedDateTime at) {
            LocalTime time = at.toLocalTime();
            if (!start.isBefore(end) && !(start.equals(LocalTime.MIDNIGHT) && end.equals(LocalTime.MIDNIGHT))) {
                // past midnight: the evening of a listed day, or the morning after one
                return days.contains(at.getDayOfWeek()) && !time.isBefore(start)
                        || days.contains(at.getDayOfWeek().minus(1)) && time.isBefore(end);
            }
            boolean wholeDay = start.equals(LocalTime.MIDNIGHT) && end.equals(LocalTime.MIDNIGHT);
            return days.contains(at.getDayOfWeek()) && (wholeDay || !time.isBefore(start) && time.isBefore(end));
        }
    }

    private final List<Rule> rules;
    private final Clock clock;

    LendingHours(List<Rule> rules, Clock clock) {
        this.rules = List.copyOf(rules);
        this.clock = clock;
    }

    /**
     * @throws IllegalArgumentException naming the part of {@code text} it cannot read
     */
    public static LendingHours parse(String text, Clock clock) {
        List<Rule> rules = new ArrayList<>();
        for (String part : text.split(",")) {
            String rule = part.strip().toLowerCase(Locale.ROOT);
            if (rule.isEmpty()) {
                continue;
            }
            String[] words = rule.split("\\s+");
            if (words.length > 2) {
                throw new IllegalArgumentException("lending hours: '" + part.strip() + "' is not DAYS [HH:MM-HH:MM]");
            }
            Set<DayOfWeek> days = days(words[0]);
            LocalTime start = LocalTime.MIDNIGHT;
            LocalTime end = LocalTime.MIDNIGHT;
            if (words.length == 2) {
                String[] times = words[1].split("-");
                if (times.length != 2) {
                    throw new IllegalArgumentException("lending hours: '" + words[1] + "' is not HH:MM-HH:MM");
                }
                start = time(times[0]);
                end = time(times[1]);
                if (start.equals(end) && !start.equals(LocalTime.MIDNIGHT)) {
                    throw new IllegalArgumentException("lending hours: '" + words[1] + "' is an empty range");
                }
            }
            rules.add(new Rule(days, start, end));
        }
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("lending hours: no rule in '" + text + "'");
        }
        return new LendingHours(rules, clock);
    }

    private static Set<DayOfWeek> days(String word) {
        if (word.equals("daily") || word.equals("*")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        String[] range = word.split("-");
        if (range.length > 2) {
            throw new IllegalArgumentException("lending hours: '" + word + "' is not a day or a range of days");
        }
        DayOfWeek first = day(range[0]);
        DayOfWeek last = range.length == 2 ? day(range[1]) : first;
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (DayOfWeek d = first; ; d = d.plus(1)) {
            days.add(d);
            if (d == last) {
                return days;
            }
        }
    }

    private static DayOfWeek day(String word) {
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.name().toLowerCase(Locale.ROOT).startsWith(word) && word.length() >= 3) {
                return day;
            }
        }
        throw new IllegalArgumentException("lending hours: '" + word + "' is not a day (mon, tue, …, sun, daily)");
    }

    private static LocalTime time(String text) {
        if (text.equals("24:00")) {
            return LocalTime.MIDNIGHT;
        }
        try {
            return LocalTime.parse(text.length() == 4 ? "0" + text : text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("lending hours: '" + text + "' is not a time (HH:MM)");
        }
    }

    @Override
    public String name() {
        return "hours";
    }

    /** IDLE within the lending hours, ACTIVE outside them. */
    @Override
    public OwnerState sample() {
        return lending() ? OwnerState.IDLE : OwnerState.ACTIVE;
    }

    /** Whether the PC is lent now. */
    public boolean lending() {
        ZonedDateTime now = ZonedDateTime.now(clock);
        return rules.stream().anyMatch(rule -> rule.covers(now));
    }
}
