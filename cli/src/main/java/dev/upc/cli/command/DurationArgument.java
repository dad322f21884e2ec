package dev.upc.cli.command;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** A duration such as "90s", "10m", "1h30m", "2d", or a bare number of seconds ("1h30" is refused as unclear). */
public final class DurationArgument implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern WHOLE = Pattern.compile("\\d+|(\\d+[smhdw])+");
    private static final Pattern PART = Pattern.compile("(\\d+)([smhdw]?)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        String text = value.strip();
        if (text.isEmpty() || !WHOLE.matcher(text).matches()) {
            throw invalid(value);
        }
        Matcher part = PART.matcher(text);
        Duration total = Duration.ZERO;
        while (part.find()) {
            long amount;
            try {
                amount = Long.parseLong(part.group(1));
            } catch (NumberFormatException e) {
                throw invalid(value);
            }
            total = total.plus(switch (part.group(2)) {
                case "", "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                case "w" -> Duration.ofDays(7 * amount);
                default -> throw invalid(value);
            });
        }
        return total;
    }

    private static CommandLine.TypeConversionException invalid(String value) {
        return new CommandLine.TypeConversionException("'" + value
                + "' is not a duration; use e.g. 90s, 10m, 1h30m or 2d");
    }
}
