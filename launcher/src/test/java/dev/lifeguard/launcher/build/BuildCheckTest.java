package dev.lifeguard.launcher.build;

import dev.lifeguard.launcher.platform.Jdk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

class BuildCheckTest {

    private static final Instant BUILT = Instant.parse("2026-11-26T10:00:00Z");

    @TempDir
    Path root;

    @BeforeEach
    void checkout() throws IOException {
        write("pom.xml", BUILT.minusSeconds(60));
        write("service-support/pom.xml", BUILT.minusSeconds(60));
        write("service-support/src/main/java/Support.java", BUILT.minusSeconds(60));
        write("deploy-service/pom.xml", BUILT.minusSeconds(60));
        write("deploy-service/src/main/java/Deploy.java", BUILT.minusSeconds(60));
        write("launcher/pom.xml", BUILT.minusSeconds(60));
        write("launcher/src/main/java/Main.java", BUILT.minusSeconds(60));
    }

    @Test
    void missingPackagesNeedABuild() {
        assertThat(BuildCheck.staleTargets(root)).extracting(BuildCheck.Reason::toString).containsExactly(
                "deploy-service: deploy-service/target/quarkus-app/quarkus-run.jar is missing",
                "launcher: launcher/target/launcher.jar is missing");
    }

    @Test
    void packagesNewerThanAllTheirSourcesAreUpToDate() throws IOException {
        builtEverything();

        assertThat(BuildCheck.staleTargets(root)).isEmpty();
    }

    @Test
    void aChangedSourceMakesItsModuleStale() throws IOException {
        builtEverything();
        write("deploy-service/src/main/resources/application.properties", BUILT.plusSeconds(5));

        assertThat(BuildCheck.staleTargets(root)).extracting(BuildCheck.Reason::toString).containsExactly(
                "deploy-service: deploy-service/src/main/resources/application.properties changed after quarkus-run.jar was built");
    }

    @Test
    void aChangedSharedModuleOrRootPomMakesEveryServiceStale() throws IOException {
        builtEverything();
        write("service-support/src/main/java/Support.java", BUILT.plusSeconds(5));

        assertThat(BuildCheck.staleTargets(root)).extracting(BuildCheck.Reason::module).containsExactly("deploy-service");

        write("pom.xml", BUILT.plusSeconds(5));
        assertThat(BuildCheck.staleTargets(root)).extracting(BuildCheck.Reason::module)
                .containsExactly("deploy-service", "launcher");
    }

    @Test
    void testSourcesDoNotMakeAPackageStale() throws IOException {
        builtEverything();
        write("deploy-service/src/test/java/DeployTest.java", BUILT.plusSeconds(5));

        assertThat(BuildCheck.staleTargets(root)).isEmpty();
    }

    @Test
    void dockerfilesDoNotMakeAPackageStale() throws IOException {
        builtEverything();
        write("deploy-service/src/main/docker/Dockerfile.jvm", BUILT.plusSeconds(5));

        assertThat(BuildCheck.staleTargets(root)).isEmpty();
    }

    @Test
    void servicesWithoutAModuleAreNotBuildTargets() {
        assertThat(BuildCheck.targets(root, Jdk.current())).extracting(BuildCheck.Target::module)
                .containsExactly("deploy-service", "launcher");
    }

    @Test
    void theReliabilitySuiteIsATargetWhenItsModuleExistsAndFollowsTheLauncher() throws IOException {
        builtEverything();
        write("reliability/pom.xml", BUILT.minusSeconds(60));
        write("reliability/src/main/java/Chaos.java", BUILT.minusSeconds(60));

        assertThat(BuildCheck.staleTargets(root)).extracting(BuildCheck.Reason::toString)
                .containsExactly("reliability: reliability/target/reliability.jar is missing");

        write("reliability/target/reliability.jar", BUILT);
        assertThat(BuildCheck.staleTargets(root)).extracting(BuildCheck.Reason::toString)
                .containsExactly("reliability: reliability/target/lib holds another build of launcher/target/launcher.jar");

        Files.createDirectories(root.resolve("reliability/target/lib"));
        Files.copy(root.resolve("launcher/target/launcher.jar"), root.resolve("reliability/target/lib/launcher-0.1.0.jar"));
        assertThat(BuildCheck.staleTargets(root)).isEmpty();

        write("launcher/src/main/java/Main.java", BUILT.plusSeconds(5));
        assertThat(BuildCheck.staleTargets(root)).extracting(BuildCheck.Reason::module).containsExactly("launcher");

        // the launcher was rebuilt, and the build left reliability.jar as it was (only its lib/ copy changes)
        Files.writeString(root.resolve("launcher/target/launcher.jar"), "rebuilt");
        assertThat(BuildCheck.staleTargets(root)).extracting(BuildCheck.Reason::module).containsExactly("reliability");
        Files.copy(root.resolve("launcher/target/launcher.jar"), root.resolve("reliability/target/lib/launcher-0.1.0.jar"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(BuildCheck.staleTargets(root)).isEmpty();
    }

    @Test
    void aServicePackagedByAnotherJdksBuildIsStale() throws IOException {
        builtEverything();
        Jdk jdk17 = new Jdk(Path.of("/jdk17"), 17, "17.0.15+6");
        Jdk jdk25 = new Jdk(Path.of("/jdk25"), 25, "25.0.3+9-LTS");
        packageWithEntryPoint(BuildCheck.FAST_JAR_ENTRY_POINT);

        assertThat(BuildCheck.staleTargets(root, jdk17)).isEmpty();
        assertThat(BuildCheck.staleTargets(root, jdk25)).extracting(BuildCheck.Reason::toString).containsExactly(
                "deploy-service: deploy-service/target/quarkus-app/quarkus-run.jar was packaged by another JDK's build"
                        + " (Main-Class io.quarkus.bootstrap.runner.QuarkusEntryPoint, this JDK's is"
                        + " io.quarkus.bootstrap.runner.AotQuarkusEntryPoint)");

        packageWithEntryPoint(BuildCheck.AOT_JAR_ENTRY_POINT);
        assertThat(BuildCheck.staleTargets(root, jdk25)).isEmpty();
        assertThat(BuildCheck.staleTargets(root, jdk17)).extracting(BuildCheck.Reason::module)
                .containsExactly("deploy-service");
    }

    private void packageWithEntryPoint(String mainClass) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        Path jar = root.resolve("deploy-service/target/quarkus-app/quarkus-run.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        Files.setLastModifiedTime(jar, FileTime.from(BUILT));
    }

    private void builtEverything() throws IOException {
        write("deploy-service/target/quarkus-app/quarkus-run.jar", BUILT);
        write("launcher/target/launcher.jar", BUILT);
    }

    private void write(String path, Instant modified) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, path);
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }
}
