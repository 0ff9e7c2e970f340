package dev.lifeguard.benchmark.footprint;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InfraWatcherTest {

    private static List<String> postmasterPid(String status) {
        return List.of("4242", "/home/.lifeguard/footprint/postgres", "1796306360", "41234", "/tmp", "localhost",
                "  1234567   2", status);
    }

    @Test
    void postgresIsReadyWhenItsPostmasterOfThisStartSaysSo() {
        assertThat(InfraWatcher.postmasterReady(postmasterPid("ready   "), pid -> pid == 4242)).isTrue();
        assertThat(InfraWatcher.postmasterReady(postmasterPid("starting"), pid -> true)).isFalse();
        assertThat(InfraWatcher.postmasterReady(postmasterPid("ready"), pid -> false)).as("an earlier postmaster's")
                .isFalse();
        assertThat(InfraWatcher.postmasterReady(postmasterPid("ready").subList(0, 7), pid -> true)).isFalse();
    }
}
