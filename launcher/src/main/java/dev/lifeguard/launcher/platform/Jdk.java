package dev.lifeguard.launcher.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JDK a JVM of the platform runs on: the launcher's own (the one {@code ./lifeguard} found through
 * {@code JAVA_HOME} or the PATH), so a service runs on the JDK that built it.
 *
 * @param home    the JDK's directory ({@code java.home})
 * @param feature its feature release (17, 25, …): what it can do with class-data archives and object headers
 * @param version its full version: an update of the JDK in place needs new archives
 */
public record Jdk(Path home, int feature, String version) {

    private static final Pattern RUNTIME_VERSION = Pattern.compile("(?m)^JAVA_RUNTIME_VERSION=\"((\\d+)[^\"]*)\"");

    /** The JDK this JVM runs on. */
    public static Jdk current() {
        return new Jdk(Path.of(System.getProperty("java.home")), Runtime.version().feature(),
                System.getProperty("java.vm.version"));
    }

    /** The JDK installed at {@code home}, read from its {@code release} file; empty when there is none. */
    public static Optional<Jdk> at(Path home) {
        try {
            Matcher version = RUNTIME_VERSION.matcher(Files.readString(home.resolve("release")));
            if (!version.find() || !Files.isExecutable(home.resolve("bin/java"))) {
                return Optional.empty();
            }
            return Optional.of(new Jdk(home, Integer.parseInt(version.group(2)), version.group(1)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Its {@code java} launcher. */
    public String java() {
        return home.resolve("bin").resolve("java").toString();
    }

    /**
     * JDK 25 records an AOT cache at exit with one option (JEP 514) and maps it with its classes already loaded and
     * linked (JEP 483); older JDKs get a dynamic AppCDS archive. Compact object headers (JEP 519) are a product
     * option from 25 on as well.
     */
    public boolean hasAotCache() {
        return feature >= 25;
    }
}
