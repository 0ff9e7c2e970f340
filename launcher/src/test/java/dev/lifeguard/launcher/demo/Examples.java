package dev.lifeguard.launcher.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The golden event examples of {@code contracts/events/examples}: what the services really emit. */
final class Examples {

    private Examples() {
    }

    static String read(String name) {
        Path root = Path.of(System.getProperty("lifeguard.root", "..")).toAbsolutePath();
        try {
            return Files.readString(root.resolve("contracts/events/examples").resolve(name + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
