package dev.upc.agent.checkpoint;

import java.io.ByteArrayOutputStream;
import java.util.function.UnaryOperator;

/** Edits of a protocol-buffers message in its wire form, for crafting CRIU images in tests. */
public final class ProtoEdit {

    private ProtoEdit() {
    }

    /** The message with the content of its first length-delimited field {@code number} replaced by {@code edit}'s. */
    public static byte[] inField(byte[] message, int number, UnaryOperator<byte[]> edit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean done = false;
        for (Raw field : fields(message)) {
            if (field.number() == number && field.wire() == 2 && !done) {
                byte[] content = java.util.Arrays.copyOfRange(message, field.contentAt(), field.end());
                out.writeBytes(lengthDelimited(number, edit.apply(content)));
                done = true;
            } else {
                out.write(message, field.start(), field.end() - field.start());
            }
        }
        if (!done) {
            throw new IllegalArgumentException("no field " + number);
        }
        return out.toByteArray();
    }

    /** The message with all fields {@code number} left out. */
    public static byte[] without(byte[] message, int number) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Raw field : fields(message)) {
            if (field.number() != number) {
                out.write(message, field.start(), field.end() - field.start());
            }
        }
        return out.toByteArray();
    }

    /** One field as it lies in the message: where it starts, where its content starts and where it ends. */
    private record Raw(int number, int wire, int start, int contentAt, int end) {
    }

    private static java.util.List<Raw> fields(byte[] message) {
        java.util.List<Raw> fields = new java.util.ArrayList<>();
        int at = 0;
        while (at < message.length) {
            int start = at;
            long[] key = varint(message, at);
            int contentAt = (int) key[1];
            int wire = (int) (key[0] & 7);
            at = switch (wire) {
                case 0 -> (int) varint(message, contentAt)[1];
                case 1 -> contentAt + 8;
                case 5 -> contentAt + 4;
                case 2 -> {
                    long[] length = varint(message, contentAt);
                    contentAt = (int) length[1];
                    yield contentAt + (int) length[0];
                }
                default -> throw new IllegalArgumentException("wire type " + wire);
            };
            fields.add(new Raw((int) (key[0] >>> 3), wire, start, contentAt, at));
        }
        return fields;
    }

    /** A varint field. */
    public static byte[] varintField(int number, long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, (long) number << 3);
        writeVarint(out, value);
        return out.toByteArray();
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] lengthDelimited(int number, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, (long) number << 3 | 2);
        writeVarint(out, content.length);
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        long v = value;
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** The varint at {@code at}: its value and the position after it. */
    private static long[] varint(byte[] m, int at) {
        long value = 0;
        int i = at;
        for (int shift = 0; ; shift += 7) {
            byte b = m[i++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return new long[] {value, i};
            }
        }
    }
}
