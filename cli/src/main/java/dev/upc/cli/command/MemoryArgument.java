package dev.upc.cli.command;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * A memory size in MiB: "512M", "2G", "1.5GiB", or a bare number of MiB ("1024"). M and G are read as MiB and GiB,
 * the way container runtimes read them.
 */
public final class MemoryArgument implements CommandLine.ITypeConverter<Long> {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([A-Za-z]*)");

    @Override
    public Long convert(String value) {
        return parseMiB(value);
    }

    public static long parseMiB(String value) {
        Matcher m = SIZE.matcher(value.strip());
        if (!m.matches()) {
            throw invalid(value);
        }
        BigDecimal number = new BigDecimal(m.group(1));
        BigDecimal mib = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "m", "mi", "mib", "mb" -> number;
            case "g", "gi", "gib", "gb" -> number.multiply(BigDecimal.valueOf(1024));
            case "t", "ti", "tib", "tb" -> number.multiply(BigDecimal.valueOf(1024 * 1024));
            default -> throw invalid(value);
        };
        if (mib.stripTrailingZeros().scale() > 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number of MiB");
        }
        if (mib.compareTo(BigDecimal.valueOf(Long.MAX_VALUE >> 20)) > 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is too large");
        }
        return mib.longValueExact();
    }

    private static CommandLine.TypeConversionException invalid(String value) {
        return new CommandLine.TypeConversionException("'" + value
                + "' is not a memory size; use e.g. 512M, 2G or 1024 (MiB)");
    }
}
