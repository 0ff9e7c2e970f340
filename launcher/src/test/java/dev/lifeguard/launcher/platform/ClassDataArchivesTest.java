package dev.lifeguard.launcher.platform;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive life cycle with real JVMs: a JVM started with the plan's options records the archive as it exits
 * ({@code -version} is enough to make one), and the next plan maps it. Each case runs on the JDK running the tests
 * (a dynamic AppCDS archive on 17) and on a JDK 25 or later installed beside it under {@code /usr/lib/jvm} (an AOT
 * cache), when there is one.
 */
class ClassDataArchivesTest {

    private static final Pattern RUNTIME_VERSION = Pattern.compile("(?m)^JAVA_RUNTIME_VERSION=\"((\\d+)[^\"]*)\"");

    @TempDir
    Path root;
    private ClassDataArchives.App app;

    static Stream<Jdk> jdks() {
        Jdk current = Jdk.current();
        if (current.hasAotCache()) {
            return Stream.of(current);
        }
        return Stream.concat(Stream.of(current), installedJdks().filter(Jdk::hasAotCache).limit(1));
    }

    private static Stream<Jdk> installedJdks() {
        Path installed = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(installed)) {
            return Stream.empty();
        }
        try (Stream<Path> homes = Files.list(installed)) {
            return homes.sorted().map(ClassDataArchivesTest::installedAt).flatMap(Optional::stream).toList().stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    /** The JDK installed at {@code home}, read from its {@code release} file; empty when there is none. */
    static Optional<Jdk> installedAt(Path home) {
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

    @BeforeEach
    void packageAService() {
        FakeService.packageAs(LifeguardService.NOTIFY, root);
        app = ClassDataArchives.App.service(PlatformSettings.defaults(root).serviceApp(LifeguardService.NOTIFY));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("jdks")
    void theFirstStartRecordsAndTheNextMapsWhatItRecorded(Jdk jdk) throws Exception {
        List<String> options = JvmOptions.service(jdk);
        ClassDataArchives.Plan first = ClassDataArchives.plan(jdk, app, options, true);

        assertThat(first).isInstanceOf(ClassDataArchives.Plan.Record.class);
        Path recording = ((ClassDataArchives.Plan.Record) first).recording();
        assertThat(recording.getParent()).isEqualTo(app.classPath().resolveSibling("lifeguard-cds"));
        assertThat(recording.getFileName().toString())
                .startsWith(ClassDataArchives.fingerprint(jdk, app, options) + ".").endsWith(".part");
        assertThat(java(jdk, first.options())).isZero();
        assertThat(recording).isNotEmptyFile();

        ClassDataArchives.Plan second = ClassDataArchives.plan(jdk, app, options, true);

        ClassDataArchives.Format format = jdk.feature() >= 25 ? ClassDataArchives.Format.AOT_CACHE
                : ClassDataArchives.Format.DYNAMIC_ARCHIVE;
        assertThat(second).isEqualTo(new ClassDataArchives.Plan.Use(app.directory()
                .resolve(ClassDataArchives.fingerprint(jdk, app, options) + format.suffix()), format));
        assertThat(recording).doesNotExist();
        assertThat(app.directory()).isDirectoryNotContaining("glob:**.config");
        List<String> mapOnly = new ArrayList<>(second.options());
        mapOnly.add(format.mapOrFail());
        assertThat(java(jdk, mapOnly)).as(format.mapOrFail() + " fails when the archive cannot be mapped").isZero();
        assertThat(ClassDataArchives.plan(jdk, app, options, true)).isEqualTo(second);
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("jdks")
    void aRecordingCutShortIsThrownAwayNeverMapped(Jdk jdk) throws Exception {
        Path recording = record(jdk);
        try (RandomAccessFile file = new RandomAccessFile(recording.toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }

        ClassDataArchives.Plan plan = ClassDataArchives.plan(jdk, app, JvmOptions.service(jdk), true);

        assertThat(plan).isInstanceOf(ClassDataArchives.Plan.Record.class);
        assertThat(recording).doesNotExist();
        assertThat(app.directory()).isDirectoryNotContaining("glob:**.{jsa,aot}");
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("jdks")
    void theConfigurationOfARecorderKilledBeforeItsCacheWasWrittenIsThrownAway(Jdk jdk) throws Exception {
        List<String> options = JvmOptions.service(jdk);
        Files.createDirectories(app.directory());
        String fingerprint = ClassDataArchives.fingerprint(jdk, app, options);
        Path orphan = Files.writeString(app.directory().resolve(fingerprint + ".killed.part.config"), "classes");
        Path recording = app.directory().resolve(fingerprint + ".live.part");
        Path live = Files.writeString(app.directory().resolve(fingerprint + ".live.part.config"), "classes");
        Process recorder = recorderOf(jdk, recording);
        try {
            ClassDataArchives.plan(jdk, app, options, true);

            assertThat(orphan).doesNotExist();
            assertThat(live).as("its recorder is still assembling the cache from it").exists();
        } finally {
            recorder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("jdks")
    void whileAnotherProcessRecordsNoStartRecordsOrMapsIt(Jdk jdk) throws Exception {
        List<String> options = JvmOptions.service(jdk);
        Path recording = app.directory().resolve(ClassDataArchives.fingerprint(jdk, app, options) + ".other.part");
        Files.createDirectories(app.directory());
        Files.createFile(recording);
        Process recorder = recorderOf(jdk, recording);
        try {
            assertThat(ClassDataArchives.plan(jdk, app, options, true)).isEqualTo(new ClassDataArchives.Plan.None());
            assertThat(recording).exists();
            assertThat(ClassDataArchives.recording(recorder.toHandle())).isTrue();
            // an AOT cache is assembled as the JVM exits: ~25 s of CPU a service, five at once on two cores
            assertThat(ClassDataArchives.writingGrace(recorder.toHandle()))
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(jdk.hasAotCache() ? 120 : 30));
            assertThat(ClassDataArchives.writingGrace(ProcessHandle.current())).isZero();
        } finally {
            recorder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }

        assertThat(ClassDataArchives.plan(jdk, app, options, true))
                .as("its recorder gone, the empty file is no archive")
                .isInstanceOf(ClassDataArchives.Plan.Record.class);
        assertThat(recording).doesNotExist();
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("jdks")
    void aStartThatMayNotRecordOrHasSharingOffRunsWithoutAnArchive(Jdk jdk) throws Exception {
        List<String> options = JvmOptions.service(jdk);
        assertThat(ClassDataArchives.plan(jdk, app, options, false)).isEqualTo(new ClassDataArchives.Plan.None());
        assertThat(app.directory()).doesNotExist();

        record(jdk);
        List<String> sharingOff = new ArrayList<>(options);
        sharingOff.add("-Xshare:off");
        assertThat(ClassDataArchives.plan(jdk, app, sharingOff, true)).isEqualTo(new ClassDataArchives.Plan.None());
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("jdks")
    void aRebuiltAppOrOtherOptionsNeedAnotherArchiveAndTheOldOneGoes(Jdk jdk) throws Exception {
        List<String> options = JvmOptions.service(jdk);
        record(jdk);
        ClassDataArchives.Plan.Use old = (ClassDataArchives.Plan.Use) ClassDataArchives.plan(jdk, app, options, true);
        List<String> otherOptions = new ArrayList<>(options);
        otherOptions.add("-Xmx64m");
        assertThat(ClassDataArchives.fingerprint(jdk, app, otherOptions))
                .isNotEqualTo(ClassDataArchives.fingerprint(jdk, app, options));
        Jdk updated = new Jdk(jdk.home(), jdk.feature(), jdk.version() + ".1");
        assertThat(ClassDataArchives.fingerprint(updated, app, options)).as("a JDK updated in place")
                .isNotEqualTo(ClassDataArchives.fingerprint(jdk, app, options));

        Files.setLastModifiedTime(app.classPath(),
                FileTime.fromMillis(Files.getLastModifiedTime(app.classPath()).toMillis() + 2000));
        ClassDataArchives.Plan rebuilt = ClassDataArchives.plan(jdk, app, options, true);

        assertThat(rebuilt).isInstanceOf(ClassDataArchives.Plan.Record.class);
        assertThat(old.archive()).doesNotExist();
    }

    @Test
    void theLaunchersArchiveDependsOnItsJarAndLibrariesOnly() throws Exception {
        Path jar = root.resolve("launcher/target/launcher.jar");
        Files.createDirectories(jar.resolveSibling("lib"));
        Files.writeString(jar, "jar");
        Files.writeString(jar.resolveSibling("lib/a.jar"), "a");
        ClassDataArchives.App launcher = ClassDataArchives.App.launcher(jar);
        Jdk jdk = Jdk.current();
        List<String> options = JvmOptions.infra(jdk);
        String before = ClassDataArchives.fingerprint(jdk, launcher, options);

        Files.writeString(root.resolve("launcher/target/surefire-report.txt"), "not on the class path");
        assertThat(ClassDataArchives.fingerprint(jdk, launcher, options)).isEqualTo(before);

        Files.writeString(jar.resolveSibling("lib/b.jar"), "b");
        assertThat(ClassDataArchives.fingerprint(jdk, launcher, options)).isNotEqualTo(before);
    }

    @Test
    void aRecordingInTheOtherJdksFormatIsLeftToItsRecorder() throws Exception {
        Jdk jdk = Jdk.current();
        ClassDataArchives.Format other = ClassDataArchives.Format.of(jdk) == ClassDataArchives.Format.AOT_CACHE
                ? ClassDataArchives.Format.DYNAMIC_ARCHIVE : ClassDataArchives.Format.AOT_CACHE;
        Files.createDirectories(app.directory());
        // a platform on the other JDK, sharing the checkout, records its own archive (another fingerprint)
        Path theirs = Files.createFile(app.directory().resolve("other-jdk.recorder.part"));
        Process recorder = recorderOf(other, theirs);
        try {
            assertThat(ClassDataArchives.plan(jdk, app, JvmOptions.service(jdk), true))
                    .isInstanceOf(ClassDataArchives.Plan.Record.class);
            assertThat(theirs).as("an older build's file, but its recorder lives").exists();
        } finally {
            recorder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }

        ClassDataArchives.plan(jdk, app, JvmOptions.service(jdk), true);
        assertThat(theirs).as("its recorder gone, it is an older build's file").doesNotExist();
    }

    @Test
    void aJdk25GetsAnAotCacheAndCompactHeadersAndOlderOnesADynamicArchive() {
        Jdk jdk17 = new Jdk(Path.of("/jdk17"), 17, "17.0.15+6");
        Jdk jdk25 = new Jdk(Path.of("/jdk25"), 25, "25.0.3+9-LTS");

        assertThat(ClassDataArchives.Format.of(jdk17)).isEqualTo(ClassDataArchives.Format.DYNAMIC_ARCHIVE);
        assertThat(ClassDataArchives.Format.of(jdk25)).isEqualTo(ClassDataArchives.Format.AOT_CACHE);
        assertThat(new ClassDataArchives.Plan.Record(Path.of("/a/x.part"), ClassDataArchives.Format.AOT_CACHE)
                .options()).startsWith("-XX:AOTCacheOutput=/a/x.part");
        assertThat(new ClassDataArchives.Plan.Use(Path.of("/a/x.aot"), ClassDataArchives.Format.AOT_CACHE).options())
                .containsExactly("-XX:AOTCache=/a/x.aot");
        assertThat(new ClassDataArchives.Plan.Use(Path.of("/a/x.jsa"), ClassDataArchives.Format.DYNAMIC_ARCHIVE)
                .options()).containsExactly("-XX:SharedArchiveFile=/a/x.jsa");
        assertThat(JvmOptions.service(jdk25)).contains("-XX:+UseCompactObjectHeaders");
        assertThat(JvmOptions.infra(jdk25)).contains("-XX:+UseCompactObjectHeaders");
        assertThat(JvmOptions.service(jdk17)).doesNotContain("-XX:+UseCompactObjectHeaders");
        assertThat(JvmOptions.infra(jdk17)).doesNotContain("-XX:+UseCompactObjectHeaders");
    }

    @Test
    void anInstalledJdkIsReadFromItsReleaseFile() throws Exception {
        Path home = root.resolve("jdk");
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("bin/java"), "#!/bin/sh\n");
        home.resolve("bin/java").toFile().setExecutable(true);
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\n"
                + "JAVA_RUNTIME_VERSION=\"25.0.3+9-LTS\"\nJAVA_VERSION=\"25.0.3\"\n");

        assertThat(installedAt(home)).contains(new Jdk(home, 25, "25.0.3+9-LTS"));
        assertThat(installedAt(root.resolve("nothing"))).isEmpty();
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"25.0.3\"\n");
        assertThat(installedAt(home)).as("no runtime version").isEmpty();
    }

    /**
     * A stand-in for a JVM of that JDK recording to {@code recording}: a process whose command line holds the
     * recording option, as long as the test needs.
     */
    private static Process recorderOf(Jdk jdk, Path recording) throws IOException {
        return recorderOf(ClassDataArchives.Format.of(jdk), recording);
    }

    private static Process recorderOf(ClassDataArchives.Format format, Path recording) throws IOException {
        String recordOption = new ClassDataArchives.Plan.Record(recording, format).options().get(0);
        return new ProcessBuilder("bash", "-c", "sleep 60; exit 0", recordOption).start();
    }

    /** A JVM of that JDK that records (or maps) with these options and exits: its exit code. */
    private int java(Jdk jdk, List<String> planOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(jdk.java());
        command.addAll(JvmOptions.service(jdk));
        command.addAll(planOptions);
        command.addAll(List.of("-cp", app.classPath().toString(), "-version"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    private Path record(Jdk jdk) throws IOException, InterruptedException {
        ClassDataArchives.Plan.Record plan = (ClassDataArchives.Plan.Record) ClassDataArchives.plan(jdk, app,
                JvmOptions.service(jdk), true);
        assertThat(java(jdk, plan.options())).isZero();
        return plan.recording();
    }
}
