package dev.lifeguard.launcher.build;

import dev.lifeguard.launcher.platform.Jdk;
import dev.lifeguard.launcher.platform.LifeguardService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Decides whether {@code ./lifeguard up} (or {@code chaos}) must build first: a packaged app is stale when it is
 * missing or when any source it is built from (its module's {@code src/main} and {@code pom.xml}, the shared
 * {@code service-support} module, the root {@code pom.xml}; Dockerfiles aside) is newer than it. The fault-injection
 * suite's jar ({@code reliability}) is built from its module, and runs the launcher from a copy in its {@code lib/}:
 * it is stale when that copy is not the launcher's current jar (the build leaves {@code reliability.jar} untouched
 * when only the launcher changed, so comparing times with the launcher's sources would ask for a build at every
 * start). A service packaged by another JDK's build is stale too: a JDK 25 packages the services for its AOT cache
 * ({@code aot-jar}, the root {@code pom.xml}'s profile), a JDK 17 as a fast-jar, and each JDK starts the other's
 * packaging slower. Modules that do not exist in the checkout are not built.
 */
public final class BuildCheck {

    private static final String SUPPORT_MODULE = "service-support";
    public static final String LAUNCHER_MODULE = "launcher";
    public static final String LAUNCHER_JAR = "launcher/target/launcher.jar";
    public static final String RELIABILITY_MODULE = "reliability";
    public static final String RELIABILITY_JAR = "reliability/target/reliability.jar";

    /** The entry point of a service packaged as a fast-jar (a build on a JDK before 25). */
    static final String FAST_JAR_ENTRY_POINT = "io.quarkus.bootstrap.runner.QuarkusEntryPoint";
    /** The entry point of a service packaged as an aot-jar (a build on JDK 25 or later). */
    static final String AOT_JAR_ENTRY_POINT = "io.quarkus.bootstrap.runner.AotQuarkusEntryPoint";

    /**
     * One packaged output, the files and directories it is built from, the jars of other modules it runs from
     * copies of in its {@code lib/} (named {@code <jar name>-<version>.jar}), and the {@code Main-Class} a build on
     * the running JDK gives it, where that depends on the JDK.
     */
    public record Target(String module, Path artifact, List<Path> inputs, List<Path> bundledJars,
            Optional<String> entryPoint) {

        Target(String module, Path artifact, List<Path> inputs) {
            this(module, artifact, inputs, List.of(), Optional.empty());
        }
    }

    /** Why a target needs building. */
    public record Reason(String module, String why) {
        @Override
        public String toString() {
            return module + ": " + why;
        }
    }

    private BuildCheck() {
    }

    /** Every service module present under {@code root}, the launcher, and the reliability suite if present. */
    public static List<Target> targets(Path root, Jdk jdk) {
        String entryPoint = jdk.hasAotCache() ? AOT_JAR_ENTRY_POINT : FAST_JAR_ENTRY_POINT;
        List<Target> targets = new ArrayList<>();
        Path rootPom = root.resolve("pom.xml");
        List<Path> support = List.of(root.resolve(SUPPORT_MODULE).resolve("src/main"),
                root.resolve(SUPPORT_MODULE).resolve("pom.xml"));
        for (LifeguardService service : LifeguardService.values()) {
            Path module = root.resolve(service.moduleName());
            if (!Files.isRegularFile(module.resolve("pom.xml"))) {
                continue;
            }
            List<Path> inputs = new ArrayList<>(List.of(module.resolve("src/main"), module.resolve("pom.xml"), rootPom));
            inputs.addAll(support);
            targets.add(new Target(service.moduleName(), module.resolve("target/quarkus-app/quarkus-run.jar"), inputs,
                    List.of(), Optional.of(entryPoint)));
        }
        Path launcher = root.resolve(LAUNCHER_MODULE);
        targets.add(new Target(LAUNCHER_MODULE, root.resolve(LAUNCHER_JAR),
                List.of(launcher.resolve("src/main"), launcher.resolve("pom.xml"), rootPom)));
        Path reliability = root.resolve(RELIABILITY_MODULE);
        if (Files.isRegularFile(reliability.resolve("pom.xml"))) {
            targets.add(new Target(RELIABILITY_MODULE, root.resolve(RELIABILITY_JAR),
                    List.of(reliability.resolve("src/main"), reliability.resolve("pom.xml"), rootPom),
                    List.of(root.resolve(LAUNCHER_JAR)), Optional.empty()));
        }
        return targets;
    }

    /** Every target that needs a build, with the reason; empty when everything is up to date. */
    public static List<Reason> staleTargets(Path root) {
        return staleTargets(root, Jdk.current());
    }

    /** {@link #staleTargets(Path)} for a build and a platform on that JDK. */
    public static List<Reason> staleTargets(Path root, Jdk jdk) {
        List<Reason> reasons = new ArrayList<>();
        for (Target target : targets(root, jdk)) {
            why(root, target).ifPresent(why -> reasons.add(new Reason(target.module(), why)));
        }
        return reasons;
    }

    /** Why this target is stale, if it is. */
    public static Optional<String> why(Path root, Target target) {
        if (!Files.isRegularFile(target.artifact())) {
            return Optional.of(root.relativize(target.artifact()) + " is missing");
        }
        Optional<String> packagedFor = target.entryPoint().flatMap(expected -> mainClass(target.artifact())
                .filter(actual -> !actual.equals(expected)));
        if (packagedFor.isPresent()) {
            return Optional.of(root.relativize(target.artifact()) + " was packaged by another JDK's build (Main-Class "
                    + packagedFor.get() + ", this JDK's is " + target.entryPoint().get() + ")");
        }
        Path lib = target.artifact().resolveSibling("lib");
        for (Path bundled : target.bundledJars()) {
            if (!copyIsCurrent(bundled, lib)) {
                return Optional.of(root.relativize(lib) + " holds another build of " + root.relativize(bundled));
            }
        }
        FileTime built = modified(target.artifact());
        for (Path input : target.inputs()) {
            Optional<Path> newer = newerThan(input, built);
            if (newer.isPresent()) {
                return Optional.of(root.relativize(newer.get()) + " changed after "
                        + target.artifact().getFileName() + " was built");
            }
        }
        return Optional.empty();
    }

    /**
     * {@code lib} holds a copy of {@code jar} with the same bytes (a jar not built yet has nothing to copy). Bytes,
     * not times: the copy's time is the original's cut to microseconds.
     */
    private static boolean copyIsCurrent(Path jar, Path lib) {
        if (!Files.isRegularFile(jar)) {
            return true;
        }
        if (!Files.isDirectory(lib)) {
            return false;
        }
        String prefix = jar.getFileName().toString().replaceFirst("\\.jar$", "-");
        try (Stream<Path> files = Files.list(lib)) {
            for (Path copy : files.filter(file -> file.getFileName().toString().startsWith(prefix)).toList()) {
                if (Files.mismatch(copy, jar) == -1) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + lib, e);
        }
    }

    /** The jar's {@code Main-Class}; empty when it has none or is no jar (the layout check then has nothing to say). */
    private static Optional<String> mainClass(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            return Optional.ofNullable(manifest == null ? null
                    : manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The first regular file at or below {@code input} modified after {@code time}. */
    static Optional<Path> newerThan(Path input, FileTime time) {
        if (!Files.exists(input)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(input)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !isContainerRecipe(file))
                    .filter(file -> modified(file).compareTo(time) > 0)
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + input, e);
        }
    }

    /** {@code src/main/docker/} holds Dockerfiles: they shape the image, not the packaged app. */
    private static boolean isContainerRecipe(Path file) {
        for (Path dir = file.getParent(); dir != null && dir.getParent() != null; dir = dir.getParent()) {
            if (dir.endsWith(Path.of("src", "main", "docker"))) {
                return true;
            }
        }
        return false;
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
