package dev.lifeguard.launcher.infra;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kafka and PostgreSQL start at once in the infra process: when one of them cannot start, the other does not
 * outlive the failure and no ready file says otherwise.
 */
class InfrastructureTest {

    @TempDir
    Path home;

    @Test
    void aBrokerThatCannotStartTakesPostgresDownWithIt() throws IOException {
        int postgresPort = freePort();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path readyFile = home.resolve("run/infra.ready");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("localhost", 0));
            Infrastructure infrastructure = new Infrastructure(home.resolve("kafka"), home.resolve("kafka-streams"),
                    taken.getLocalPort(), home.resolve("postgres"), postgresPort, readyFile,
                    home.resolve("run/kafka.restart"), new PrintStream(log, true, StandardCharsets.UTF_8));

            assertThatThrownBy(infrastructure::run).isInstanceOf(RuntimeException.class);
        }

        assertThat(log.toString(StandardCharsets.UTF_8)).contains("starting Kafka", "starting PostgreSQL");
        assertThat(accepts(postgresPort)).as("PostgreSQL stopped").isFalse();
        assertThat(home.resolve("postgres/postmaster.pid")).doesNotExist();
        assertThat(readyFile).doesNotExist();
        assertThat(Infrastructure.postgresReadyFile(readyFile)).doesNotExist();
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
