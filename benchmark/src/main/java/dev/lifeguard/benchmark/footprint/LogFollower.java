package dev.lifeguard.benchmark.footprint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Reads the lines appended to a log since a given offset, a complete line at a time, as {@code tail -f} would. */
final class LogFollower {

    private final Path file;
    private long offset;
    private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

    /** Follows from the current end of the file: what an earlier start wrote is not read. */
    static LogFollower fromEnd(Path file) {
        long size;
        try {
            size = Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            size = 0;
        }
        return new LogFollower(file, size);
    }

    LogFollower(Path file, long offset) {
        this.file = file;
        this.offset = offset;
    }

    /** The complete lines written since the last call; none when the file does not exist (yet). */
    List<String> newLines() {
        List<String> lines = new ArrayList<>();
        if (!Files.exists(file)) {
            return lines;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() < offset) {
                // truncated (wiped and started anew): read from the start
                offset = 0;
                partial.reset();
            }
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            int read;
            while ((read = channel.read(buffer, offset)) > 0) {
                offset += read;
                byte[] bytes = buffer.array();
                for (int i = 0; i < read; i++) {
                    if (bytes[i] == '\n') {
                        lines.add(partial.toString(StandardCharsets.UTF_8).replace("\r", ""));
                        partial.reset();
                    } else {
                        partial.write(bytes[i]);
                    }
                }
                buffer.clear();
            }
        } catch (IOException e) {
            // read again at the next poll
        }
        return lines;
    }
}
