package dev.lifeguard.launcher.platform;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive life cycle with real JVMs: a JVM started with the plan's options records the archive as it exits
 * ({@code -version} is enough to make one), and the next plan maps it.
 */
class ClassDataArchivesTest {

    private static final List<String> OPTIONS = JvmOptions.service();

    @TempDir
    Path root;
    private ClassDataArchives.App app;

    @BeforeEach
    void packageAService() {
        FakeService.packageAs(LifeguardService.NOTIFY, root);
        app = ClassDataArchives.App.service(PlatformSettings.defaults(root).serviceApp(LifeguardService.NOTIFY));
    }

    @Test
    void theFirstStartRecordsAndTheNextMapsWhatItRecorded() throws Exception {
        ClassDataArchives.Plan first = ClassDataArchives.plan(app, OPTIONS, true);

        assertThat(first).isInstanceOf(ClassDataArchives.Plan.Record.class);
        Path recording = ((ClassDataArchives.Plan.Record) first).recording();
        assertThat(recording.getParent()).isEqualTo(app.classPath().resolveSibling("lifeguard-cds"));
        assertThat(recording.getFileName().toString())
                .startsWith(ClassDataArchives.fingerprint(app, OPTIONS) + ".").endsWith(".part");
        assertThat(java(first.options())).isZero();
        assertThat(recording).isNotEmptyFile();

        ClassDataArchives.Plan second = ClassDataArchives.plan(app, OPTIONS, true);

        assertThat(second).isEqualTo(new ClassDataArchives.Plan.Use(
                app.directory().resolve(ClassDataArchives.fingerprint(app, OPTIONS) + ".jsa")));
        assertThat(recording).doesNotExist();
        List<String> mapOnly = new ArrayList<>(second.options());
        mapOnly.add("-Xshare:on");
        assertThat(java(mapOnly)).as("-Xshare:on fails when the archive cannot be mapped").isZero();
        assertThat(ClassDataArchives.plan(app, OPTIONS, true)).isEqualTo(second);
    }

    @Test
    void aRecordingCutShortIsThrownAwayNeverMapped() throws Exception {
        Path recording = record();
        try (RandomAccessFile file = new RandomAccessFile(recording.toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }

        ClassDataArchives.Plan plan = ClassDataArchives.plan(app, OPTIONS, true);

        assertThat(plan).isInstanceOf(ClassDataArchives.Plan.Record.class);
        assertThat(recording).doesNotExist();
        assertThat(app.directory()).isDirectoryNotContaining("glob:**.jsa");
    }

    @Test
    void whileAnotherProcessRecordsNoStartRecordsOrMapsIt() throws Exception {
        Path recording = app.directory().resolve(ClassDataArchives.fingerprint(app, OPTIONS) + ".other.part");
        Files.createDirectories(app.directory());
        Files.createFile(recording);
        Process recorder = new ProcessBuilder("bash", "-c", "sleep 60; exit 0", "-XX:ArchiveClassesAtExit=" + recording)
                .start();
        try {
            assertThat(ClassDataArchives.plan(app, OPTIONS, true)).isEqualTo(new ClassDataArchives.Plan.None());
            assertThat(recording).exists();
        } finally {
            recorder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }

        assertThat(ClassDataArchives.plan(app, OPTIONS, true)).as("its recorder gone, the empty file is no archive")
                .isInstanceOf(ClassDataArchives.Plan.Record.class);
        assertThat(recording).doesNotExist();
    }

    @Test
    void aStartThatMayNotRecordOrHasSharingOffRunsWithoutAnArchive() throws Exception {
        assertThat(ClassDataArchives.plan(app, OPTIONS, false)).isEqualTo(new ClassDataArchives.Plan.None());
        assertThat(app.directory()).doesNotExist();

        record();
        List<String> sharingOff = new ArrayList<>(OPTIONS);
        sharingOff.add("-Xshare:off");
        assertThat(ClassDataArchives.plan(app, sharingOff, true)).isEqualTo(new ClassDataArchives.Plan.None());
    }

    @Test
    void aRebuiltAppOrOtherOptionsNeedAnotherArchiveAndTheOldOneGoes() throws Exception {
        record();
        ClassDataArchives.Plan.Use old = (ClassDataArchives.Plan.Use) ClassDataArchives.plan(app, OPTIONS, true);
        List<String> otherOptions = new ArrayList<>(OPTIONS);
        otherOptions.add("-Xmx64m");
        assertThat(ClassDataArchives.fingerprint(app, otherOptions)).isNotEqualTo(ClassDataArchives.fingerprint(app, OPTIONS));

        Files.setLastModifiedTime(app.classPath(),
                FileTime.fromMillis(Files.getLastModifiedTime(app.classPath()).toMillis() + 2000));
        ClassDataArchives.Plan rebuilt = ClassDataArchives.plan(app, OPTIONS, true);

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
        String before = ClassDataArchives.fingerprint(launcher, OPTIONS);

        Files.writeString(root.resolve("launcher/target/surefire-report.txt"), "not on the class path");
        assertThat(ClassDataArchives.fingerprint(launcher, OPTIONS)).isEqualTo(before);

        Files.writeString(jar.resolveSibling("lib/b.jar"), "b");
        assertThat(ClassDataArchives.fingerprint(launcher, OPTIONS)).isNotEqualTo(before);
    }

    /** A JVM that records (or maps) with these options and exits: its exit code. */
    private int java(List<String> planOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Platform.javaExecutable());
        command.addAll(OPTIONS);
        command.addAll(planOptions);
        command.addAll(List.of("-cp", app.classPath().toString(), "-version"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    private Path record() throws IOException, InterruptedException {
        ClassDataArchives.Plan.Record plan = (ClassDataArchives.Plan.Record) ClassDataArchives.plan(app, OPTIONS, true);
        assertThat(java(plan.options())).isZero();
        return plan.recording();
    }
}
