package dev.lifeguard.launcher.deploy;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeployOptionsTest {

    @Test
    void requiredAndOptionalFlagsInBothSpellings() {
        DeployOptions options = DeployOptions.parse(new String[]{"--service", "checkout", "--env=production",
                "--version", "1.4.2+build.7", "--image", "ghcr.io/acme/checkout:1.4.2", "--commit", "0a1b2c3",
                "--team", "payments", "--change-url=https://github.com/acme/shop/pull/42", "--wait", "0"});

        assertThat(options).isEqualTo(new DeployOptions("checkout", "production", "1.4.2+build.7",
                "ghcr.io/acme/checkout:1.4.2", "0a1b2c3", "payments", "https://github.com/acme/shop/pull/42",
                Duration.ZERO));
        assertThat(DeployOptions.parse(new String[]{"--service", "s", "--env", "e", "--version", "1"}).waitFor())
                .isEqualTo(DeployOptions.DEFAULT_WAIT);
    }

    @Test
    void eachUnusableFlagIsNamed() {
        assertRejected("--version is required", "--service", "s", "--env", "e");
        assertRejected("--service is required", "--env", "e", "--version", "1");
        assertRejected("--env is required", "--service", "s", "--version", "1");
        assertRejected("--service must be 1-100 letters", "--service", "no spaces", "--env", "e", "--version", "1");
        assertRejected("--team must be", "--service", "s", "--env", "e", "--version", "1", "--team", "a/b");
        assertRejected("--change-url must be an http(s) URL", "--service", "s", "--env", "e", "--version", "1",
                "--change-url", "ftp://x");
        assertRejected("--wait must be a number of seconds", "--service", "s", "--env", "e", "--version", "1",
                "--wait", "soon");
        assertRejected("unknown option --environment", "--service", "s", "--environment", "e", "--version", "1");
        assertRejected("--env needs a value", "--service", "s", "--env", "--version", "1");
        assertRejected("--service is given twice", "--service", "s", "--service", "t", "--env", "e", "--version", "1");
        assertRejected("unexpected argument 'checkout'", "checkout");
    }

    private static void assertRejected(String message, String... args) {
        assertThatThrownBy(() -> DeployOptions.parse(args)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
