package dev.lifeguard.launcher.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Application class-data archives: the classes a service loads to start, parsed, verified and laid out once and then
 * mapped by every later start of the same build instead of read from the jars again (about a second of a service's
 * start on a 2-core machine). On JDK 25 and later the archive is an AOT cache (JEP 483/514), whose classes are also
 * linked already, and a service packaged for it ({@code aot-jar}, the build's profile on such a JDK) starts in
 * about half the time again; before 25 it is a dynamic AppCDS archive on top of the JDK's own.
 *
 * <p>The archive of a build is recorded by the first start of that build, as the JVM leaves
 * ({@code -XX:ArchiveClassesAtExit}, {@code -XX:AOTCacheOutput}): it holds every class loaded until the service
 * stopped, start-up included, which an archive made at package time (Quarkus' {@code appcds}, static init only)
 * cannot. It lives next to the packaged app ({@code <module>/target/quarkus-app/lifeguard-cds/}), so a rebuild or
 * {@code mvn clean} leaves no stale archive behind, and every platform of the checkout (the one {@code up} runs, the
 * benchmark's, the tests') shares it. Its name is a fingerprint of the app's files, the JDK and the JVM options:
 * anything else is never used.
 *
 * <p>A recording is written to its own {@code .part} file by the JVM on exit; a JVM killed mid-write leaves a file
 * that would crash the next JVM mapping it (SIGBUS), so a recording becomes the archive only after a throwaway JVM
 * mapped it ({@code -Xshare:on -version}, {@code -XX:AOTMode=on -version}), and only once the JVM that wrote it is
 * gone.
 */
final class ClassDataArchives {

    static final String DIRECTORY = "lifeguard-cds";
    private static final String RECORDING_SUFFIX = ".part";
    /** What a JDK 25 recorder writes beside its recording before the cache is assembled from it. */
    private static final String CONFIGURATION_SUFFIX = ".config";
    private static final long VALIDATION_SECONDS = 30;

    private ClassDataArchives() {
    }

    /** The kind of archive a JDK records at exit and maps at start, and the options for each. */
    enum Format {
        /** JDK 17 to 24: a dynamic AppCDS archive, layered on the JDK's own. */
        DYNAMIC_ARCHIVE(".jsa", "-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile=", "-Xshare:on",
                // the JVM warns about every class it cannot archive (hundreds of lines): not the service log's business
                List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off"), Duration.ofSeconds(40)),
        /**
         * JDK 25 on: an AOT cache, one file holding the JDK's classes and the app's, loaded and linked. The JVM
         * assembles it in a child JVM as it exits: ~25 s of CPU a service (measured: deploy-service's stop took 28.5 s
         * alone), so five at once on two cores need more than a minute.
         */
        AOT_CACHE(".aot", "-XX:AOTCacheOutput=", "-XX:AOTCache=", "-XX:AOTMode=on",
                List.of("-Xlog:aot*=off", "-Xlog:cds*=off"), Duration.ofSeconds(150));

        private final String suffix;
        private final String recordOption;
        private final String useOption;
        private final String mapOrFail;
        private final List<String> quiet;
        private final Duration writingGrace;

        Format(String suffix, String recordOption, String useOption, String mapOrFail, List<String> quiet,
                Duration writingGrace) {
            this.suffix = suffix;
            this.recordOption = recordOption;
            this.useOption = useOption;
            this.mapOrFail = mapOrFail;
            this.quiet = quiet;
            this.writingGrace = writingGrace;
        }

        static Format of(Jdk jdk) {
            return jdk.hasAotCache() ? AOT_CACHE : DYNAMIC_ARCHIVE;
        }

        /** The archive's file name suffix. */
        String suffix() {
            return suffix;
        }

        List<String> recordOptions(Path recording) {
            List<String> options = new ArrayList<>(List.of(recordOption + recording));
            options.addAll(quiet);
            return options;
        }

        List<String> useOptions(Path archive) {
            return List.of(useOption + archive);
        }

        /** The option that makes a JVM fail, instead of running without it, when the archive cannot be mapped. */
        String mapOrFail() {
            return mapOrFail;
        }
    }

    /** What a start of {@code app} with these JVM options should do about its archive. */
    sealed interface Plan {
        /** Options to add to the command line, before {@code -jar}. */
        List<String> options();

        /** The build's archive exists: map it. */
        record Use(Path archive, Format format) implements Plan {
            @Override
            public List<String> options() {
                return format.useOptions(archive);
            }
        }

        /** No archive yet: this start records one, written when the process exits. */
        record Record(Path recording, Format format) implements Plan {
            @Override
            public List<String> options() {
                return format.recordOptions(recording);
            }
        }

        /** Another process is recording the archive, or this start may not: start without one. */
        record None() implements Plan {
            @Override
            public List<String> options() {
                return List.of();
            }
        }
    }

    /**
     * What a JVM's archive depends on.
     *
     * @param classPath what the JVM runs ({@code -jar} or the class path): the archive records it
     * @param directory where its archives live
     * @param contents  the files and directories whose change makes a new archive necessary
     */
    record App(Path classPath, Path directory, List<Path> contents) {

        /** A packaged service: {@code <module>/target/quarkus-app/quarkus-run.jar} and everything beside it. */
        static App service(Path quarkusRunJar) {
            return new App(quarkusRunJar, quarkusRunJar.resolveSibling(DIRECTORY), List.of(quarkusRunJar.getParent()));
        }

        /** The packaged launcher ({@code launcher/target/launcher.jar} and its {@code lib/}), which runs the infra. */
        static App launcher(Path launcherJar) {
            return new App(launcherJar, launcherJar.resolveSibling(DIRECTORY),
                    List.of(launcherJar, launcherJar.resolveSibling("lib")));
        }
    }

    /**
     * Uses the build's archive when there is one (promoting a finished recording first), else records one when
     * {@code mayRecord} and no other live process is recording it; nothing with {@code -Xshare:off}.
     */
    static Plan plan(Jdk jdk, App app, List<String> jvmOptions, boolean mayRecord) {
        if (jvmOptions.contains("-Xshare:off")) {
            // the user's way to turn archives off; the JVM would refuse to record with it
            return new Plan.None();
        }
        Format format = Format.of(jdk);
        Path directory = app.directory();
        String fingerprint = fingerprint(jdk, app, jvmOptions);
        Path archive = directory.resolve(fingerprint + format.suffix());
        if (Files.isRegularFile(archive)) {
            return new Plan.Use(archive, format);
        }
        // a JDK 25 recorder killed before its child JVM wrote the cache leaves only the recorded configuration
        for (Path configuration : files(directory, fingerprint + ".", RECORDING_SUFFIX + CONFIGURATION_SUFFIX)) {
            String name = configuration.getFileName().toString();
            Path recording = configuration.resolveSibling(
                    name.substring(0, name.length() - CONFIGURATION_SUFFIX.length()));
            if (!Files.exists(recording) && !recorderAlive(recording)) {
                deleteQuietly(configuration);
            }
        }
        boolean recordingNow = false;
        for (Path recording : files(directory, fingerprint + ".", RECORDING_SUFFIX)) {
            if (recorderAlive(recording)) {
                recordingNow = true;
            } else if (maps(jdk, format, recording, app.classPath(), jvmOptions)) {
                move(recording, archive);
                return new Plan.Use(archive, format);
            } else {
                deleteQuietly(recording);
                deleteQuietly(recording.resolveSibling(recording.getFileName() + CONFIGURATION_SUFFIX));
            }
        }
        if (recordingNow || !mayRecord) {
            return new Plan.None();
        }
        // an older build's archives can never be used again
        for (Path stale : files(directory, "", "")) {
            if (!stale.getFileName().toString().startsWith(fingerprint) && !recorderAlive(stale)) {
                deleteQuietly(stale);
            }
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            return new Plan.None();
        }
        return new Plan.Record(directory.resolve(fingerprint + "." + UUID.randomUUID() + RECORDING_SUFFIX), format);
    }

    /**
     * Of the app's files (paths, sizes and modification times), the JDK and the options: an archive records the
     * class path it was made with and the JVM refuses it when the jars changed, but a rebuilt jar of the same size
     * and time would pass that check, so the fingerprint is the archive's name.
     */
    static String fingerprint(Jdk jdk, App app, List<String> jvmOptions) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, jdk.home() + "\n" + jdk.version() + "\n"
                    + String.join(" ", jvmOptions) + "\n" + app.classPath().toAbsolutePath().normalize() + "\n");
            for (Path root : app.contents()) {
                if (!Files.exists(root)) {
                    continue;
                }
                List<Path> files;
                try (Stream<Path> walk = Files.walk(root)) {
                    files = walk.filter(Files::isRegularFile).filter(file -> !file.startsWith(app.directory()))
                            .sorted().toList();
                }
                for (Path file : files) {
                    update(digest, file.toAbsolutePath().normalize() + " " + Files.size(file) + " "
                            + Files.getLastModifiedTime(file).toMillis() + "\n");
                }
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 20);
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("Cannot read " + app.contents(), e instanceof IOException io ? io
                    : ((UncheckedIOException) e).getCause());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether the process is recording an archive (it writes it as it exits). */
    static boolean recording(ProcessHandle process) {
        return !writingGrace(process).isZero();
    }

    /**
     * How much longer than a plain stop the process is given to exit: the time to write the archive it records
     * (killing it would waste the recording); zero when it records none.
     */
    static Duration writingGrace(ProcessHandle process) {
        List<String> commandLine = Processes.commandLine(process);
        return Arrays.stream(Format.values())
                .filter(format -> commandLine.stream().anyMatch(argument -> argument.startsWith(format.recordOption)))
                .map(format -> format.writingGrace)
                .max(Comparator.naturalOrder())
                .orElse(Duration.ZERO);
    }

    /** A live process records to that file, in either format (a platform on the other JDK may share the checkout). */
    private static boolean recorderAlive(Path recording) {
        List<String> options = Arrays.stream(Format.values()).map(format -> format.recordOption + recording).toList();
        return !Processes.matching(commandLine -> commandLine.stream().anyMatch(options::contains)).isEmpty();
    }

    /** A throwaway JVM maps the recording as a service start would: exit 0, or it is not usable. */
    static boolean maps(Jdk jdk, Format format, Path recording, Path classPath, List<String> jvmOptions) {
        Path errorFile = recording.resolveSibling(recording.getFileName() + ".hs_err.log");
        List<String> command = new ArrayList<>();
        command.add(jdk.java());
        command.addAll(jvmOptions);
        command.add(format.mapOrFail());
        command.addAll(format.useOptions(recording));
        command.addAll(List.of("-XX:ErrorFile=" + errorFile, "-cp", classPath.toString(), "-version"));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(VALIDATION_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            deleteQuietly(errorFile);
        }
    }

    private static List<Path> files(Path directory, String prefix, String suffix) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(directory)) {
            return list.filter(file -> {
                String name = file.getFileName().toString();
                return name.startsWith(prefix) && name.endsWith(suffix);
            }).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void move(Path recording, Path archive) {
        try {
            Files.move(recording, archive, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // another launcher promoted its twin first: theirs is as good
            deleteQuietly(recording);
        }
    }

    private static void deleteQuietly(Path file) {
        Processes.deleteQuietly(file);
    }
}
