package dev.upc.agent.checkpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields of one protocol-buffers message, read from its wire form without a schema: enough to pick out the few
 * fields of CRIU's images the checks need. Malformed input is an {@link IllegalArgumentException}.
 */
final class ProtoFields {

    /** One field: its number, and a varint's value or a length-delimited field's bytes. */
    record Field(int number, long varint, byte[] bytes) {
    }

    private ProtoFields() {
    }

    static List<Field> read(byte[] message) {
        return read(message, 0, message.length);
    }

    static List<Field> read(byte[] m, int from, int to) {
        List<Field> fields = new ArrayList<>();
        int[] at = {from};
        while (at[0] < to) {
            long key = varint(m, at, to);
            int number = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (wire) {
                case 0 -> fields.add(new Field(number, varint(m, at, to), null));
                case 1 -> skip(at, 8, to);
                case 5 -> skip(at, 4, to);
                case 2 -> {
                    long length = varint(m, at, to);
                    if (length < 0 || length > to - at[0]) {
                        throw new IllegalArgumentException("a field longer than its message");
                    }
                    byte[] bytes = java.util.Arrays.copyOfRange(m, at[0], at[0] + (int) length);
                    at[0] += (int) length;
                    fields.add(new Field(number, 0, bytes));
                }
                default -> throw new IllegalArgumentException("wire type " + wire);
            }
        }
        return fields;
    }

    /** A repeated varint field's values, packed or not. */
    static List<Long> varints(List<Field> fields, int number) {
        List<Long> values = new ArrayList<>();
        for (Field f : fields) {
            if (f.number() != number) {
                continue;
            }
            if (f.bytes() == null) {
                values.add(f.varint());
            } else {
                int[] at = {0};
                while (at[0] < f.bytes().length) {
                    values.add(varint(f.bytes(), at, f.bytes().length));
                }
            }
        }
        return values;
    }

    /** The embedded messages of field {@code number}. */
    static List<List<Field>> messages(List<Field> fields, int number) {
        List<List<Field>> messages = new ArrayList<>();
        for (Field f : fields) {
            if (f.number() == number) {
                if (f.bytes() == null) {
                    throw new IllegalArgumentException("field " + number + " is not a message");
                }
                messages.add(read(f.bytes()));
            }
        }
        return messages;
    }

    private static long varint(byte[] m, int[] at, int to) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= to) {
                throw new IllegalArgumentException("a varint cut short");
            }
            byte b = m[at[0]++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("a varint of more than ten bytes");
    }

    private static void skip(int[] at, int n, int to) {
        if (to - at[0] < n) {
            throw new IllegalArgumentException("a fixed field cut short");
        }
        at[0] += n;
    }
}
