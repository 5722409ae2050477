package dev.quarry.aws;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

/**
 * A typed event-stream header value. The record kinds are the wire's ten type tags (booleans
 * take two tags, true and false); {@link #typeTag()} is the tag a value is written with.
 */
public sealed interface HeaderValue {

    int typeTag();

    record Bool(boolean value) implements HeaderValue {
        @Override
        public int typeTag() {
            return value ? 0 : 1;
        }
    }

    record Int8(byte value) implements HeaderValue {
        @Override
        public int typeTag() {
            return 2;
        }
    }

    record Int16(short value) implements HeaderValue {
        @Override
        public int typeTag() {
            return 3;
        }
    }

    record Int32(int value) implements HeaderValue {
        @Override
        public int typeTag() {
            return 4;
        }
    }

    record Int64(long value) implements HeaderValue {
        @Override
        public int typeTag() {
            return 5;
        }
    }

    /** Raw bytes, at most 65,535 of them. Compared by content. */
    record Bytes(byte[] value) implements HeaderValue {
        public Bytes {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public int typeTag() {
            return 6;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Bytes b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Bytes[" + HexFormat.of().formatHex(value) + "]";
        }
    }

    /** UTF-8 text, at most 65,535 bytes encoded. */
    record Text(String value) implements HeaderValue {
        public Text {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public int typeTag() {
            return 7;
        }
    }

    /** A point in time; the wire carries milliseconds, so finer precision is cut off. */
    record Timestamp(Instant value) implements HeaderValue {
        public Timestamp {
            value = Instant.ofEpochMilli(value.toEpochMilli());
        }

        @Override
        public int typeTag() {
            return 8;
        }
    }

    record Uuid(UUID value) implements HeaderValue {
        public Uuid {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public int typeTag() {
            return 9;
        }
    }
}
