package dev.scriptorium.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * The parent-child protocol: each message is a JSON object preceded by its length as a 4-byte big-endian integer.
 * Every message has a "type". Use one reader thread; writes are serialized.
 */
final class Frames {
    /** Far above any real message (a chunk's segments), small enough that a corrupt length cannot exhaust memory. */
    private static final int MAX_FRAME = 64 * 1024 * 1024;
    static final ObjectMapper JSON = new ObjectMapper();
    private final DataInputStream in;
    private final WritableByteChannel out;

    /**
     * Writes go straight to the channel: a stream from {@code Channels.newOutputStream} would wait for the channel's
     * blocking lock, which a reader thread blocked in {@code read} holds for as long as no message arrives.
     */
    Frames(InputStream in, WritableByteChannel out) {
        this.in = new DataInputStream(in);
        this.out = out;
    }

    static ObjectNode message(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    /** @throws EOFException when the other side has gone away */
    JsonNode read() throws IOException {
        int length = in.readInt();
        if (length <= 0 || length > MAX_FRAME) {
            throw new IOException("Invalid frame length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return JSON.readTree(bytes);
    }

    void write(JsonNode message) throws IOException {
        byte[] bytes = JSON.writeValueAsString(message).getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(Integer.BYTES + bytes.length).putInt(bytes.length).put(bytes).flip();
        synchronized (out) {
            while (frame.hasRemaining()) {
                out.write(frame);
            }
        }
    }
}
