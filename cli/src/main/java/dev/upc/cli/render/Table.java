package dev.upc.cli.render;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A plain-text table: a header row, aligned columns three spaces apart, no trailing blanks, optional indented notes
 * under a row (a queued job's waiting reason). Widths count code points, so "—" is one column wide.
 */
public final class Table {

    private static final String GAP = "   ";
    private static final String NOTE_INDENT = "  ↳ ";

    private final List<String> headers;
    private final Set<Integer> rightAligned = new HashSet<>();
    private final List<Line> lines = new ArrayList<>();

    private Table(List<String> headers) {
        this.headers = headers;
    }

    public static Table withColumns(String... headers) {
        return new Table(List.of(headers));
    }

    public static Table withColumns(List<String> headers) {
        return new Table(List.copyOf(headers));
    }

    /** Numbers read better aligned on their last digit. */
    public Table alignRight(String... columns) {
        for (String column : columns) {
            int index = headers.indexOf(column);
            if (index < 0) {
                throw new IllegalArgumentException("no column " + column);
            }
            rightAligned.add(index);
        }
        return this;
    }

    public Table row(String... cells) {
        return row(Arrays.asList(cells));
    }

    public Table row(List<String> cells) {
        if (cells.size() != headers.size()) {
            throw new IllegalArgumentException(cells.size() + " cells for " + headers.size() + " columns");
        }
        lines.add(new Line(cells.stream().map(c -> c == null ? "" : c).toList(), null));
        return this;
    }

    /** A line of text under the last row, not part of any column. */
    public Table note(String text) {
        lines.add(new Line(null, text));
        return this;
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    public List<String> lines() {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < headers.size(); i++) {
            widths[i] = width(headers.get(i));
        }
        for (Line line : lines) {
            if (line.cells != null) {
                for (int i = 0; i < widths.length; i++) {
                    widths[i] = Math.max(widths[i], width(line.cells.get(i)));
                }
            }
        }
        List<String> out = new ArrayList<>();
        out.add(format(headers, widths));
        for (Line line : lines) {
            out.add(line.cells != null ? format(line.cells, widths) : NOTE_INDENT + line.note);
        }
        return out;
    }

    public void print(PrintStream out) {
        lines().forEach(out::println);
    }

    private String format(List<String> cells, int[] widths) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            int pad = widths[i] - width(cell);
            boolean last = i == cells.size() - 1;
            if (i > 0) {
                text.append(GAP);
            }
            if (rightAligned.contains(i)) {
                text.append(" ".repeat(pad)).append(cell);
            } else {
                text.append(cell);
                if (!last) {
                    text.append(" ".repeat(pad));
                }
            }
        }
        return text.toString().stripTrailing();
    }

    static int width(String text) {
        return text.codePointCount(0, text.length());
    }

    private record Line(List<String> cells, String note) {
    }
}
