package dev.lifeguard.deploy.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.lifeguard.deploy.DeployFixtures.awaitEnvironment;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Runs the exact {@code run:} script of examples/github-actions/lifeguard-deploy.yml with bash, as a GitHub
 * runner would (its step environment resolved, the runner's default variables set), against this service.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class GitHubActionsExampleTest {

    private static final Path WORKFLOW = EventContract.repositoryRoot().resolve("examples/github-actions/lifeguard-deploy.yml");
    private static final String STEP_ID = "lifeguard-deploy";
    /** The secret of source "github" in the %test profile. */
    private static final String GITHUB_SOURCE_SECRET = "github-test-secret";
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*([^}]+?)\\s*}}");

    @TestHTTPResource("/")
    URL service;

    @BeforeAll
    static void theToolsOfAHostedRunnerArePresent() throws Exception {
        Process check = new ProcessBuilder("bash", "-c", "command -v openssl && command -v curl && command -v jq")
                .redirectErrorStream(true).start();
        assertThat(check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0)
                .as("bash, openssl, curl and jq are needed: " + new String(check.getInputStream().readAllBytes()))
                .isTrue();
    }

    @Test
    void theStepsSignedEventIsAcceptedAndRecordedAndItsRetryIsADuplicate() throws Exception {
        Step step = step();
        String version = "v1." + new Random().nextInt(1_000_000);
        String sha = HexFormat.of().formatHex(randomBytes(20));
        Map<String, String> github = githubContext(version, sha);

        Run first = run(step, github, GITHUB_SOURCE_SECRET);

        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(first.output()).contains("Lifeguard: accepted event github-" + github.get("run_id") + "-1-checkout-production");
        awaitEnvironment("checkout", "production", version);
        given().get("/api/v1/services/checkout/environments/production").then()
                .body("current.commit", equalTo(sha))
                .body("current.team", equalTo("payments"))
                .body("current.changeUrl", equalTo("https://github.com/acme/shop/commit/" + sha))
                .body("current.artifactId", equalTo("pkg:generic/checkout@" + version));

        Run retried = run(step, github, GITHUB_SOURCE_SECRET);
        assertThat(retried.exitCode()).as(retried.output()).isZero();
        assertThat(retried.output()).contains("Lifeguard: duplicate event");
    }

    @Test
    void withTheWrongSecretTheStepFailsWithDeployServicesAnswer() throws Exception {
        Step step = step();
        Map<String, String> github = githubContext("v2." + new Random().nextInt(1_000_000),
                HexFormat.of().formatHex(randomBytes(20)));

        Run refused = run(step, github, "not-the-secret");

        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("::error::Lifeguard refused the deployment event (HTTP 401)")
                .contains("X-Lifeguard-Signature").doesNotContain("not-the-secret");
    }

    // --- the workflow, as GitHub reads it ------------------------------------------------------------------------

    record Step(String shell, String script, Map<String, String> environment) {
    }

    record Run(int exitCode, String output) {
    }

    /** The step with id lifeguard-deploy, whichever job holds it. */
    private static Step step() throws IOException {
        JsonNode workflow = new YAMLMapper().readTree(WORKFLOW.toFile());
        for (JsonNode job : workflow.path("jobs")) {
            for (JsonNode step : job.path("steps")) {
                if (STEP_ID.equals(step.path("id").asText())) {
                    Map<String, String> environment = new LinkedHashMap<>();
                    for (Iterator<Map.Entry<String, JsonNode>> it = step.path("env").fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> variable = it.next();
                        environment.put(variable.getKey(), variable.getValue().asText());
                    }
                    return new Step(step.path("shell").asText(), step.path("run").asText(), environment);
                }
            }
        }
        throw new AssertionError("no step with id '" + STEP_ID + "' in " + WORKFLOW);
    }

    /** The {@code github} context of a tag push in acme/shop. */
    private static Map<String, String> githubContext(String tag, String sha) {
        Map<String, String> github = new HashMap<>();
        github.put("ref_name", tag);
        github.put("sha", sha);
        github.put("repository", "acme/shop");
        github.put("server_url", "https://github.com");
        github.put("run_id", Long.toString(1_000_000L + new Random().nextInt(1_000_000_000)));
        return github;
    }

    /** Runs the step's script the way GitHub's {@code shell: bash} does, with a bound on its duration. */
    private Run run(Step step, Map<String, String> github, String secret) throws Exception {
        assertThat(step.shell()).isEqualTo("bash");
        Map<String, String> expressions = new HashMap<>();
        github.forEach((name, value) -> expressions.put("github." + name, value));
        expressions.put("vars.LIFEGUARD_URL", service.toString());
        expressions.put("secrets.LIFEGUARD_CI_SECRET", secret);

        Path script = Files.createTempFile("lifeguard-deploy-step", ".sh");
        Files.writeString(script, step.script());
        ProcessBuilder bash = new ProcessBuilder("bash", "--noprofile", "--norc", "-eo", "pipefail", script.toString())
                .redirectErrorStream(true);
        Map<String, String> environment = bash.environment();
        // the runner's default variables
        environment.put("GITHUB_RUN_ID", github.get("run_id"));
        environment.put("GITHUB_RUN_ATTEMPT", "1");
        environment.put("GITHUB_SERVER_URL", github.get("server_url"));
        environment.put("GITHUB_REPOSITORY", github.get("repository"));
        environment.put("GITHUB_SHA", github.get("sha"));
        environment.put("GITHUB_REF_NAME", github.get("ref_name"));
        step.environment().forEach((name, value) -> environment.put(name, resolve(value, expressions)));
        try {
            Process process = bash.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the step ended: " + output).isTrue();
            return new Run(process.exitValue(), output);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** {@code ${{ github.sha }}} and friends; an expression the test does not know fails it. */
    private static String resolve(String value, Map<String, String> expressions) {
        Matcher expression = EXPRESSION.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (expression.find()) {
            String replacement = expressions.get(expression.group(1));
            if (replacement == null) {
                throw new AssertionError("the workflow uses ${{ " + expression.group(1) + " }}, unknown to this test");
            }
            expression.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
        }
        return expression.appendTail(resolved).toString();
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new Random().nextBytes(bytes);
        return bytes;
    }
}
