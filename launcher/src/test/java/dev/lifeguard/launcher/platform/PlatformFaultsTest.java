package dev.lifeguard.launcher.platform;

import dev.lifeguard.launcher.infra.KafkaCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The fault primitives on real processes: the infra process (Kafka + PostgreSQL) and two instances of a stand-in
 * service ({@link FakeService}, packaged where the launcher expects rollback-service), in a temporary home on
 * free ports.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformFaultsTest {

    @TempDir
    static Path root;

    private static final List<String> progress = new CopyOnWriteArrayList<>();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static Platform platform;
    /** Kafka Streams state left by an earlier platform of this home, whose broker is gone. */
    private static Path staleStreamsState;

    @BeforeAll
    static void startInfraAndTwoInstances() throws IOException {
        FakeService.packageAs(LifeguardService.ROLLBACK, root);
        PlatformSettings settings = PlatformSettings.defaults(root).withHome(root.resolve("home"))
                .withServices(EnumSet.of(LifeguardService.ROLLBACK)).withInstances(LifeguardService.ROLLBACK, 2)
                .withJavaOptions(List.of("-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
                .withStopTimeout(Duration.ofSeconds(10))
                .withEphemeralPorts();
        staleStreamsState = settings.kafkaStreamsStateDirectory(settings.instances(LifeguardService.MONITOR).get(0))
                .resolve("lifeguard-monitor-analysis/0_0/.checkpoint");
        Files.createDirectories(staleStreamsState.getParent());
        Files.writeString(staleStreamsState, "offsets of a broker that is gone\n");
        platform = Platform.start(settings, line -> {
            progress.add(line);
            System.out.println(line);
        }).stopOnJvmExit();
    }

    @AfterAll
    static void stopEverything() {
        if (platform != null) {
            platform.stop();
        }
    }

    @Test
    @Order(1)
    void everyInstanceRunsUnderItsOwnNameIdentityAndPort() throws Exception {
        assertThat(platform.instances()).extracting(ServiceInstance::componentName)
                .containsExactly("rollback-service", "rollback-service-2");
        for (ServiceInstance instance : platform.instances()) {
            assertThat(get(instance.url() + "/instance")).isEqualTo(instance.componentName());
        }
        assertThat(platform.serviceUrls(LifeguardService.ROLLBACK))
                .containsExactly(platform.instances().get(0).url(), platform.instances().get(1).url());
        assertThat(Platform.status(platform.settings()))
                .filteredOn(row -> row.component().startsWith("rollback-service"))
                .extracting(ComponentStatus::component, ComponentStatus::state)
                .containsExactly(tuple("rollback-service", ComponentStatus.State.HEALTHY),
                        tuple("rollback-service-2", ComponentStatus.State.HEALTHY));
        assertThat(Platform.isRunning(platform.settings())).isTrue();
    }

    @Test
    @Order(1)
    void servicesGetTheLaunchersJvmOptionsThenTheUsersAndTheFirstInstanceRecordsTheArchive() throws IOException {
        ServiceInstance first = platform.instances().get(0);
        ServiceInstance second = platform.instances().get(1);
        List<String> firstCommand = Processes.commandLine(ProcessHandle.of(platform.pid(first).orElseThrow()).orElseThrow());
        List<String> secondCommand = Processes.commandLine(ProcessHandle.of(platform.pid(second).orElseThrow()).orElseThrow());
        List<String> expected = new ArrayList<>(JvmOptions.service());
        expected.addAll(List.of("-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));

        assertThat(firstCommand).containsSubsequence(expected).anyMatch(argument -> argument.startsWith(
                "-XX:ArchiveClassesAtExit=" + platform.settings().serviceApp(LifeguardService.ROLLBACK)
                        .resolveSibling(ClassDataArchives.DIRECTORY)));
        assertThat(secondCommand).containsSubsequence(expected)
                .noneMatch(argument -> argument.contains("ArchiveClassesAtExit") || argument.contains("SharedArchiveFile"));
        assertThat(progress).filteredOn(line -> line.contains("recording its class-data archive")).hasSize(1)
                .allMatch(line -> line.contains("→ starting rollback-service ("));
        String environment = Files.readString(Path.of("/proc", Long.toString(platform.pid(first).orElseThrow()), "environ"));
        assertThat(environment.split("\0")).contains("MALLOC_ARENA_MAX=2");
        List<String> infraCommand = Processes.commandLine(Platform.liveInfra(platform.settings()).orElseThrow());
        assertThat(infraCommand).containsSubsequence(JvmOptions.infra());
    }

    @Test
    @Order(1)
    void postgresIsReportedReadyBeforeKafkaIsWaitedFor() {
        assertThat(progress).containsSubsequence(
                progress.stream().filter(line -> line.contains("✓ postgres")).findFirst().orElseThrow(),
                progress.stream().filter(line -> line.contains("→ starting rollback-service")).findFirst().orElseThrow());
        assertThat(Platform.postgresReadyFile(platform.settings())).exists();
    }

    @Test
    @Order(2)
    void aKilledInstanceIsRestartedAloneUnderTheSameIdentity() throws Exception {
        ServiceInstance first = platform.instances().get(0);
        ServiceInstance second = platform.instances().get(1);
        long firstPid = platform.pid(first).orElseThrow();
        long killedPid = platform.pid(second).orElseThrow();

        platform.kill(second);

        assertThat(platform.pid(second)).isEmpty();
        assertThat(ProcessHandle.of(killedPid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(Platform.isRunning(platform.settings())).isFalse();
        assertThatThrownBy(() -> platform.kill(second)).isInstanceOf(PlatformException.class)
                .hasMessageContaining("rollback-service-2 is not running");

        progress.clear();
        platform.startMissing();

        OptionalLong restartedPid = platform.pid(second);
        assertThat(restartedPid).isPresent();
        assertThat(restartedPid.getAsLong()).isNotEqualTo(killedPid);
        assertThat(platform.pid(first)).hasValue(firstPid);
        assertThat(progress).contains("  = rollback-service already running (pid " + firstPid + ")",
                "  → restarting rollback-service-2 (was not running; pid " + restartedPid.getAsLong() + ", port "
                        + second.port() + ")");
        assertThat(progress).as("nothing else started").filteredOn(line -> line.contains("→")).hasSize(1);
        assertThat(get(second.url() + "/instance")).isEqualTo("rollback-service-2");
        assertThat(Platform.isRunning(platform.settings())).isTrue();
    }

    @Test
    @Order(1)
    void theProcessesBehindTheInfraAreNamed() {
        List<ComponentStatus> status = Platform.status(platform.settings());

        assertThat(platform.infraPid()).hasValue(status.get(0).pid().orElseThrow());
        assertThat(platform.postgresPid()).hasValue(status.get(1).pid().orElseThrow());
        assertThat(platform.postgresPid()).isNotEqualTo(platform.infraPid());
        assertThat(Platform.infraReadyFile(platform.settings())).exists();
    }

    @Test
    @Order(2)
    void aStoppedInstanceExitsOnSigtermAndItsNextStartIsAStart() throws Exception {
        ServiceInstance first = platform.instances().get(0);
        ServiceInstance second = platform.instances().get(1);
        long firstPid = platform.pid(first).orElseThrow();
        ProcessHandle stopped = ProcessHandle.of(platform.pid(second).orElseThrow()).orElseThrow();

        assertThat(platform.stopInstance(second)).as("exited on SIGTERM, not killed").isTrue();

        assertThat(stopped.isAlive()).isFalse();
        assertThat(platform.settings().pidFile(second.componentName())).doesNotExist();
        assertThat(platform.pid(first)).hasValue(firstPid);
        assertThatThrownBy(() -> platform.stopInstance(second)).isInstanceOf(PlatformException.class)
                .hasMessageContaining("rollback-service-2 is not running");

        progress.clear();
        platform.startMissing();

        long restartedPid = platform.pid(second).orElseThrow();
        assertThat(progress).contains("  → starting rollback-service-2 (pid " + restartedPid + ", port "
                + second.port() + ")");
        assertThat(get(second.url() + "/instance")).isEqualTo("rollback-service-2");
    }

    @Test
    @Order(1)
    void kafkaStreamsStateIsWipedWithKafkasData() {
        assertThat(staleStreamsState).doesNotExist();
        assertThat(platform.settings().kafkaStreamsDirectory()).doesNotExist();
    }

    @Test
    @Order(3)
    void restartingKafkaKeepsTopicsRecordsAndCommittedOffsets() throws Exception {
        Path streamsState = platform.settings().kafkaStreamsDirectory().resolve("monitor-service/.checkpoint");
        Files.createDirectories(streamsState.getParent());
        Files.writeString(streamsState, "offsets of this broker\n");
        KafkaCheck topic = new KafkaCheck(platform.kafkaBootstrapServers(), "lifeguard.restart-test");
        topic.createTopic(3);
        topic.send("before restart");
        assertThat(topic.consumeAndCommit("restart-test")).containsExactly("before restart");
        long infraPid = Platform.status(platform.settings()).get(0).pid().orElseThrow();

        platform.restartKafka();

        assertThat(Platform.status(platform.settings()).get(0))
                .satisfies(kafka -> assertThat(kafka.state()).isEqualTo(ComponentStatus.State.HEALTHY))
                .satisfies(kafka -> assertThat(kafka.pid()).as("restarted inside the infra process").hasValue(infraPid));
        assertThat(topic.partitions()).isEqualTo(3);
        assertThat(topic.records()).isEqualTo(1);
        topic.send("after restart");
        assertThat(topic.consumeAndCommit("restart-test")).containsExactly("after restart");
        assertThat(Files.readString(platform.settings().logFile(Platform.INFRA))).contains("Kafka ready again");
        assertThat(streamsState).as("a broker restart keeps its data, so the state that caches it stays").exists();
    }

    @Test
    @Order(4)
    void aFrozenPostgresHangsUntilThawed() throws Exception {
        ProcessHandle postmaster = Platform.livePostgres(platform.settings()).orElseThrow();

        platform.freezePostgres();

        List<ProcessHandle> tree = new ArrayList<>(postmaster.descendants().toList());
        tree.add(postmaster);
        // Z: a worker that had just exited stays unreaped while its postmaster is stopped
        assertThat(tree).allSatisfy(process -> assertThat(state(process)).as("state of %s", process.pid())
                .isIn('T', 'Z'));
        assertThatThrownBy(() -> selectOne(1)).as("no answer while frozen").isInstanceOf(SQLException.class);

        platform.thawPostgres();
        platform.thawPostgres();

        assertThat(tree).allSatisfy(process -> assertThat(state(process)).as("state of %s", process.pid())
                .isNotEqualTo('T'));
        assertThat(selectOne(30)).isEqualTo(1);
    }

    @Test
    @Order(5)
    void stopLeavesNoProcessEvenWithPostgresFrozen() {
        PlatformSettings settings = platform.settings();
        platform.freezePostgres();

        platform.stop();

        assertThat(Platform.status(settings)).allSatisfy(row ->
                assertThat(row.state()).as(row.component()).isEqualTo(ComponentStatus.State.STOPPED));
        assertThat(Processes.matching(Platform.launchedFrom(settings).or(Platform.postgresOf(settings)))).isEmpty();
        assertThat(settings.runDirectory()).isEmptyDirectory();
        List<String> options = new ArrayList<>(JvmOptions.service());
        options.addAll(settings.javaOptions());
        assertThat(ClassDataArchives.plan(Jdk.current(),
                ClassDataArchives.App.service(settings.serviceApp(LifeguardService.ROLLBACK)), options, true)).as("the first instance wrote its recording as it stopped: the next start maps it")
                .isInstanceOf(ClassDataArchives.Plan.Use.class);
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** {@code SELECT 1} as the services' role, giving up on the login after {@code timeoutSeconds}. */
    private static int selectOne(int timeoutSeconds) throws SQLException {
        Properties properties = new Properties();
        properties.put("user", PlatformSettings.DATABASE_USER);
        properties.put("password", PlatformSettings.DATABASE_PASSWORD);
        properties.put("loginTimeout", Integer.toString(timeoutSeconds));
        properties.put("socketTimeout", Integer.toString(timeoutSeconds));
        try (Connection connection = DriverManager.getConnection(platform.jdbcUrl(LifeguardService.ROLLBACK), properties);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT 1")) {
            result.next();
            return result.getInt(1);
        }
    }

    /** The state letter in {@code /proc/<pid>/stat}: T when stopped by a signal; X here when the process is gone. */
    private static char state(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"), StandardCharsets.UTF_8);
            return stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
        } catch (IOException e) {
            return 'X';
        }
    }
}
