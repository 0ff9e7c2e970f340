package dev.lifeguard.launcher.platform;

import java.nio.file.Path;

/**
 * The JDK a JVM of the platform runs on: the launcher's own (the one {@code ./lifeguard} found through
 * {@code JAVA_HOME} or the PATH), so a service runs on the JDK that built it.
 *
 * @param home    the JDK's directory ({@code java.home})
 * @param feature its feature release (17, 25, …): what it can do with class-data archives and object headers
 * @param version its full version: an update of the JDK in place needs new archives
 */
public record Jdk(Path home, int feature, String version) {

    /** The JDK this JVM runs on. */
    public static Jdk current() {
        return new Jdk(Path.of(System.getProperty("java.home")), Runtime.version().feature(),
                System.getProperty("java.vm.version"));
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
