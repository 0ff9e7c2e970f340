package dev.lifeguard.launcher.e2e;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.lifeguard.launcher.auth.Credentials;
import dev.lifeguard.launcher.auth.Roles;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * The walking skeleton's failure scenario, driven from the outside as a team would: the target rolls back with the
 * {@code webhook} executor (the team's deployment tooling is a WireMock stub), deploy v1 (REST), deploy v2 (a CDEvent
 * on Kafka, as CI sends it), then bad error rates for v2. It asserts the whole loop: the rollback to v1 in
 * deploy-service, executed by one signed request to the team's rollback webhook (its signature recomputed here), the
 * notification at a real HTTP webhook, and the incident with its ordered timeline and post-mortem. Used by both
 * end-to-end tests, whatever runs Kafka and PostgreSQL.
 */
final class FailureScenario {

    private static final Duration STEP_BOUND = Duration.ofSeconds(90);
    /** How often both versions report an error rate while a rollout step is analysed. */
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(500);
    private static final String ROLLBACK_PATH = "/rollback";
    private static final String DISPATCHED_TYPE = "dev.cdeventsx.lifeguard-rollback.dispatched.0.1.0";
    private static final Duration SIGNATURE_WINDOW = Duration.ofMinutes(5);
    private static final String STEP_REQUESTED_TYPE = "dev.cdeventsx.lifeguard-rollout.step-requested.0.1.0";
    private static final String FIX_VERSION = "2.0.1";

    /** Who the scenario acts as: the subject of every token it sends, recorded by the services as the actor. */
    static final String ACTOR = "lifeguard-e2e";

    private final Endpoints endpoints;
    private final Credentials credentials;
    private final WireMockServer webhook;
    private final String service = "checkout-" + UUID.randomUUID().toString().substring(0, 8);
    private final String environment = "production";
    private final String rollbackSecret = "e2e-" + UUID.randomUUID();

    record Endpoints(String deploy, String monitor, String notifications, String postmortem, String kafkaBootstrapServers) {
    }

    /** @param credentials tokens the services trust: signed with the platform's local key */
    FailureScenario(Endpoints endpoints, Credentials credentials, WireMockServer webhook) {
        this.endpoints = endpoints;
        this.credentials = credentials;
        this.webhook = webhook;
    }

    void runAndVerify() {
        everyApiNeedsATokenButHealthDoesNot();
        webhook.stubFor(post(urlEqualTo("/hooks/payments")).willReturn(aResponse().withStatus(204)));
        webhook.stubFor(post(urlEqualTo(ROLLBACK_PATH)).willReturn(aResponse().withStatus(200)));
        subscribeTeamToWebhook();
        String rollbackUrl = rollBackWithTheTeamsWebhook();

        deployOverRest("1.0.0");
        awaitCurrentVersion("1.0.0");
        String ciChainId = UUID.randomUUID().toString();
        deployFromCi("2.0.0", ciChainId);
        awaitCurrentVersion("2.0.0");
        viewer().get(endpoints.deploy() + "/api/v1/services/{s}/environments/{e}", service, environment).then()
                .body("stableVersion", equalTo("1.0.0"));

        postErrorRates(0.01, 0.02, 0.21, 0.34, 0.40);

        // 2. rollback to the stable version, executed by deploy-service
        await("rollback to 1.0.0").atMost(STEP_BOUND).untilAsserted(() ->
                viewer().get(endpoints.deploy() + "/api/v1/services/{s}/environments/{e}", service, environment).then()
                        .statusCode(200)
                        .body("currentVersion", equalTo("1.0.0"))
                        .body("lastChange", equalTo("ROLLED_BACK"))
                        .body("history[0].version", equalTo("2.0.0"))
                        .body("history[0].status", equalTo("ROLLED_BACK")));

        // 2b. executed by the webhook executor: one signed request to the team's rollback webhook
        JsonPath rollbacks = viewer().queryParam("service", service).queryParam("environment", environment)
                .get(endpoints.deploy() + "/api/v1/rollbacks").then().statusCode(200).extract().jsonPath();
        assertThat(rollbacks.getList("$")).as("rollbacks of %s", service).hasSize(1);
        String rollbackId = rollbacks.getString("[0].id");
        assertThat(rollbacks.getString("[0].outcome")).isEqualTo("EXECUTED");
        assertThat(rollbacks.getString("[0].executor")).isEqualTo("webhook");
        assertThat(rollbacks.getString("[0].reportedBy")).isEqualTo("executor");
        assertThat(rollbacks.getString("[0].fromVersion")).isEqualTo("2.0.0");
        assertThat(rollbacks.getString("[0].toVersion")).isEqualTo("1.0.0");
        assertThat(rollbacks.getString("[0].outcomeDetail")).contains("webhook at http://127.0.0.1:" + webhook.port());
        assertRollbackWebhookCalled(rollbackUrl, rollbackId);

        // 3. the team's webhook received the rollback, as the CloudEvent itself
        await("notification of the rollback").atMost(STEP_BOUND).untilAsserted(() ->
                assertThat(webhookBodies()).anySatisfy(body -> {
                    assertThat(body.getString("type")).isEqualTo("dev.cdevents.service.rolledback.0.3.0");
                    assertThat(body.getString("subject")).isEqualTo(service + "/" + environment);
                    assertThat(body.getString("chainid")).isEqualTo(ciChainId);
                    assertThat(body.getString("data.customData.toVersion")).isEqualTo("1.0.0");
                }));
        // deliveries are independent: the anomaly's may land after the rollback's
        await("notification of the anomaly").atMost(STEP_BOUND).untilAsserted(() ->
                webhook.verify(postRequestedFor(urlEqualTo("/hooks/payments"))
                        .withHeader("Idempotency-Key", matching(".+"))
                        .withRequestBody(containing("dev.cdevents.incident.detected"))
                        .withRequestBody(containing(service))));

        // 8. the incident: chain of the CI event, resolved, with an ordered timeline and a post-mortem
        String incidentId = awaitResolvedIncident();
        // the notification of the rollback reaches postmortem-service on its own stream, maybe after the rollback
        await("incident timeline complete").atMost(STEP_BOUND).untilAsserted(() -> {
            JsonPath incident = viewer().get(endpoints.postmortem() + "/api/v1/incidents/{id}", incidentId).then()
                    .statusCode(200).extract().jsonPath();
            assertThat(incident.getString("chainId")).isEqualTo(ciChainId);
            assertThat(incident.getString("triggerVersion")).isEqualTo("2.0.0");
            assertThat(incident.getString("restoredVersion")).isEqualTo("1.0.0");
            List<String> types = incident.getList("timeline.type");
            List<String> times = incident.getList("timeline.time");
            assertThat(times).isSortedAccordingTo((a, b) -> Instant.parse(a).compareTo(Instant.parse(b)));
            int deployment = types.indexOf("deployment");
            int anomaly = types.indexOf("anomaly");
            int rollback = types.indexOf("rollback");
            int lastNotification = types.lastIndexOf("notification");
            assertThat(deployment).as("timeline %s", types).isGreaterThanOrEqualTo(0);
            assertThat(anomaly).as("timeline %s", types).isGreaterThan(deployment);
            assertThat(rollback).as("timeline %s", types).isGreaterThan(anomaly);
            assertThat(lastNotification).as("a notification after the rollback in %s", types).isGreaterThan(rollback);
        });

        String postmortem = viewer().get(endpoints.postmortem() + "/api/v1/incidents/{id}/postmortem", incidentId).then()
                .statusCode(200).contentType(startsWith("text/markdown")).extract().asString();
        assertThat(postmortem)
                .contains(service).contains("2.0.0").contains("1.0.0")
                .contains("error_rate").contains("## Timeline").contains("## Root cause").contains("## Action items");

        shipTheFix(incidentId);
    }

    /**
     * Steps 5-7: the fix 2.0.1, deployed after the rollback without tests, is GATED; CI's passing test suite on
     * Kafka releases it; it goes out as the target's redeploy canary (10% → analysed pause → 50% → analysed pause →
     * 100%) through signed step requests to the team's webhook, while both versions report healthy error rates to
     * the real monitor-service; it becomes current, and the incident shows the fix verified.
     */
    private void shipTheFix(String incidentId) {
        JsonPath gated = ci().contentType(ContentType.JSON)
                .body(Map.of("service", service, "environment", environment, "version", FIX_VERSION, "team", "payments",
                        "fixes", List.of(incidentId)))
                .post(endpoints.deploy() + "/api/v1/deployments").then().statusCode(202).extract().jsonPath();
        assertThat(gated.getString("status")).isEqualTo("GATED");
        String fixId = gated.getString("id");

        sendToCi(testSuitePassed(FIX_VERSION));
        // both versions report healthy error rates all through every analysed pause, as running apps do: a sample
        // sent before monitor-service has opened the step's analysis would not count for it
        AtomicReference<Instant> lastSamples = new AtomicReference<>(Instant.EPOCH);
        JsonPath promoted = await("the canary of " + FIX_VERSION + " promoted").atMost(STEP_BOUND.multipliedBy(2)).until(() -> {
            JsonPath deployment = viewer().get(endpoints.deploy() + "/api/v1/deployments/{id}", fixId).then()
                    .statusCode(200).extract().jsonPath();
            String phase = deployment.getString("rollout.phase");
            assertThat(phase).as("rollout of %s: %s", FIX_VERSION, deployment.prettify()).isNotIn("PAUSED", "ABORTING", "ABORT_FAILED", "ABORTED");
            Integer step = deployment.getInt("rollout.stepIndex");
            List<Map<String, Object>> steps = deployment.getList("rollout.steps");
            if (step != null && step >= 0 && step < steps.size() && "pause".equals(steps.get(step).get("kind"))
                    && lastSamples.get().isBefore(Instant.now().minus(SAMPLE_EVERY))) {
                lastSamples.set(Instant.now());
                postErrorRates(FIX_VERSION, 0.01);
                postErrorRates("1.0.0", 0.011);
            }
            return "PROMOTED".equals(phase) ? deployment : null;
        }, deployment -> deployment != null);
        assertThat(promoted.getList("rollout.steps.verdict")).as("verdicts of the analysed pauses")
                .filteredOn(verdict -> verdict != null).containsExactly("PASSED", "PASSED");
        awaitCurrentVersion(FIX_VERSION);

        List<String> actions = webhook.findAll(postRequestedFor(urlEqualTo(ROLLBACK_PATH))).stream()
                .filter(request -> request.getBodyAsString().contains(STEP_REQUESTED_TYPE))
                .peek(request -> assertSignedWithTheTargetsSecret(request.getHeader("X-Lifeguard-Signature"), request.getBody()))
                .map(request -> new JsonPath(request.getBodyAsString()))
                .map(body -> body.getString("data.subject.content.action") + ("set-weight".equals(body.getString(
                        "data.subject.content.action")) ? " " + body.getInt("data.subject.content.weight") : ""))
                .distinct().toList();
        assertThat(actions).as("signed step requests to the team's webhook").containsExactly("set-weight 10",
                "set-weight 50", "promote");

        await("the fix verified on the incident").atMost(STEP_BOUND).untilAsserted(() ->
                viewer().get(endpoints.postmortem() + "/api/v1/incidents/{id}", incidentId).then().statusCode(200)
                        .body("fixes[0].deploymentId", equalTo(fixId))
                        .body("fixes[0].version", equalTo(FIX_VERSION))
                        .body("fixes[0].status", equalTo("verified")));
    }

    /** The target rolls back with the webhook executor; the secret is stored and never shown back. */
    private String rollBackWithTheTeamsWebhook() {
        String url = "http://127.0.0.1:" + webhook.port() + ROLLBACK_PATH;
        admin().contentType(ContentType.JSON)
                .body(Map.of("executor", "webhook", "webhook", Map.of("url", url, "secret", rollbackSecret),
                        "redeployStrategy", Map.of("type", "canary", "steps", List.of(Map.of("setWeight", 10),
                                Map.of("pause", "5s"), Map.of("setWeight", 50), Map.of("pause", "5s"),
                                Map.of("setWeight", 100)))))
                .put(endpoints.deploy() + "/api/v1/targets/{s}/{e}", service, environment).then()
                .statusCode(200)
                .body("executor", equalTo("webhook"))
                .body("configured", equalTo(true))
                .body("settings.url", equalTo(url))
                .body("settings.secret", equalTo("********"));
        return url;
    }

    /**
     * What the team's deployment tooling received, checked as its receiver would check it: a POST of a structured
     * CloudEvent naming the target, the failing and the stable version and the reason, keyed by the rollback id,
     * signed with the target's secret over {@code t + "." + body} (recomputed here with javax.crypto) a moment ago.
     * Every request is checked: a retry (after a timeout on a loaded machine) must be the same signed event.
     */
    private void assertRollbackWebhookCalled(String rollbackUrl, String rollbackId) {
        List<LoggedRequest> requests = webhook.findAll(postRequestedFor(urlEqualTo(ROLLBACK_PATH)));
        assertThat(requests).as("requests to %s", rollbackUrl).isNotEmpty().allSatisfy(request -> {
            assertThat(request.getMethod().getName()).isEqualTo("POST");
            assertThat(request.getAbsoluteUrl()).isEqualTo(rollbackUrl);
            assertThat(request.getHeader("Content-Type")).isEqualTo("application/cloudevents+json");
            assertThat(request.getHeader("Idempotency-Key")).isEqualTo(rollbackId);
            assertSignedWithTheTargetsSecret(request.getHeader("X-Lifeguard-Signature"), request.getBody());

            JsonPath event = new JsonPath(request.getBodyAsString());
            assertThat(event.getString("specversion")).isEqualTo("1.0");
            assertThat(event.getString("type")).isEqualTo(DISPATCHED_TYPE);
            assertThat(event.getString("subject")).isEqualTo(service + "/" + environment);
            assertThat(event.getString("data.context.type")).isEqualTo(DISPATCHED_TYPE);
            assertThat(event.getString("data.subject.id")).isEqualTo(rollbackId);
            assertThat(event.getString("data.subject.content.service")).isEqualTo(service);
            assertThat(event.getString("data.subject.content.environment")).isEqualTo(environment);
            assertThat(event.getString("data.subject.content.rollbackId")).isEqualTo(rollbackId);
            assertThat(event.getString("data.subject.content.fromVersion")).isEqualTo("2.0.0");
            assertThat(event.getString("data.subject.content.toVersion")).isEqualTo("1.0.0");
            assertThat(event.getString("data.subject.content.reason")).contains("error_rate");
            assertThat(event.getString("data.subject.content.completeUrl"))
                    .isEqualTo("/api/v1/rollbacks/" + rollbackId + "/complete");
        });
        assertThat(requests).extracting(request -> new JsonPath(request.getBodyAsString()).getString("id"))
                .as("a retry sends the same event").containsOnly(new JsonPath(requests.get(0).getBodyAsString())
                        .getString("id"));
    }

    /** {@code X-Lifeguard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}. */
    private void assertSignedWithTheTargetsSecret(String header, byte[] body) {
        assertThat(header).as("X-Lifeguard-Signature").matches("t=\\d+,v1=[0-9a-f]{64}");
        String timestamp = header.substring(2, header.indexOf(','));
        String v1 = header.substring(header.indexOf(",v1=") + 4);
        assertThat(Duration.between(Instant.ofEpochSecond(Long.parseLong(timestamp)), Instant.now()).abs())
                .as("age of the signature's timestamp").isLessThanOrEqualTo(SIGNATURE_WINDOW);
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(rollbackSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            expected = mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new AssertionError("HmacSHA256 is not available", e);
        }
        assertThat(MessageDigest.isEqual(expected, HexFormat.of().parseHex(v1)))
                .as("v1 is HMAC-SHA256(secret, t + \".\" + body)").isTrue();
    }

    /**
     * Step 0: without a token an /api/v1 call is 401 problem+json, with a token of too small a role 403; health stays
     * open (the platform's readiness probes use it).
     */
    private void everyApiNeedsATokenButHealthDoesNot() {
        given().get(endpoints.deploy() + "/api/v1/targets").then().statusCode(401)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(List.of())
                .post(endpoints.monitor() + "/api/v1/metrics").then().statusCode(401);
        viewer().contentType(ContentType.JSON).body(List.of())
                .post(endpoints.monitor() + "/api/v1/metrics").then().statusCode(403)
                .contentType("application/problem+json");
        given().get(endpoints.deploy() + "/q/health/ready").then().statusCode(200);
    }

    /** Reads: the least role. */
    private RequestSpecification viewer() {
        return given().header("Authorization", credentials.authorization(ACTOR, Roles.VIEWER));
    }

    /** What CI reports: deployments, metrics. */
    private RequestSpecification ci() {
        return given().header("Authorization", credentials.authorization(ACTOR, Roles.CI));
    }

    /** The target and the subscription belong to no team here: the platform's, so an admin's. */
    private RequestSpecification admin() {
        return given().header("Authorization", credentials.authorization(ACTOR, Roles.ADMIN));
    }

    private void subscribeTeamToWebhook() {
        admin().contentType(ContentType.JSON)
                .body(Map.of("team", "payments", "services", List.of(service),
                        "channel", Map.of("type", "webhook", "url", webhook.baseUrl() + "/hooks/payments")))
                .post(endpoints.notifications() + "/api/v1/subscriptions").then().statusCode(201);
    }

    private void deployOverRest(String version) {
        ci().contentType(ContentType.JSON)
                .body(Map.of("service", service, "environment", environment, "version", version, "team", "payments"))
                .post(endpoints.deploy() + "/api/v1/deployments").then().statusCode(201);
    }

    /** A structured-mode CloudEvent carrying a CDEvents service.upgraded, as a CI tool sends it. */
    private void deployFromCi(String version, String chainId) {
        String eventId = UUID.randomUUID().toString();
        String now = Instant.now().toString();
        String cdEvent = """
                {"context":{"specversion":"0.5.1","id":"%s","chainId":"%s","source":"/ci/e2e","type":"dev.cdevents.service.upgraded.0.3.0","timestamp":"%s"},
                 "subject":{"id":"%s","source":"/ci/e2e","content":{"environment":{"id":"%s"},"artifactId":"pkg:oci/%s?tag=%s"}},
                 "customData":{"team":"payments","commit":"e4f5a6b","changeUrl":"https://git.example.com/shop/%s/commit/e4f5a6b"}}"""
                .formatted(eventId, chainId, now, service, environment, service, version, service);
        String cloudEvent = """
                {"specversion":"1.0","id":"%s","source":"/ci/e2e","type":"dev.cdevents.service.upgraded.0.3.0","time":"%s","data":%s}"""
                .formatted(eventId, now, cdEvent);
        sendToCi(cloudEvent);
    }

    /** A structured-mode CloudEvent carrying a CDEvents testsuiterun.finished that passed, for the version's artifact. */
    private String testSuitePassed(String version) {
        String eventId = UUID.randomUUID().toString();
        String now = Instant.now().toString();
        String cdEvent = """
                {"context":{"specversion":"0.5.1","id":"%s","chainId":"%s","source":"/ci/e2e","type":"dev.cdevents.testsuiterun.finished.0.3.0","timestamp":"%s"},
                 "subject":{"id":"suite-%s","source":"/ci/e2e","content":{"outcome":"pass","environment":{"id":"ci"},"testSuite":{"id":"e2e","name":"e2e"}}},
                 "customData":{"service":"%s","version":"%s","passed":120,"failed":0}}"""
                .formatted(eventId, UUID.randomUUID(), now, eventId, service, version);
        return """
                {"specversion":"1.0","id":"%s","source":"/ci/e2e","type":"dev.cdevents.testsuiterun.finished.0.3.0","time":"%s","data":%s}"""
                .formatted(eventId, now, cdEvent);
    }

    private void sendToCi(String cloudEvent) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties)) {
            ProducerRecord<String, String> record = new ProducerRecord<>("lifeguard.ci", service + "/" + environment, cloudEvent);
            record.headers().add("content-type", "application/cloudevents+json".getBytes());
            producer.send(record).get();
        } catch (Exception e) {
            throw new AssertionError("Could not send the CI event to Kafka", e);
        }
    }

    private void postErrorRates(double... values) {
        postErrorRates("2.0.0", values);
    }

    private void postErrorRates(String version, double... values) {
        List<Map<String, Object>> samples = new ArrayList<>();
        Instant start = Instant.now();
        for (int i = 0; i < values.length; i++) {
            samples.add(Map.of("service", service, "environment", environment, "version", version,
                    "metric", "error_rate", "value", values[i], "timestamp", start.plusSeconds(i).toString()));
        }
        ci().contentType(ContentType.JSON).body(samples)
                .post(endpoints.monitor() + "/api/v1/metrics").then().statusCode(202)
                .body("accepted", equalTo(values.length));
    }

    private void awaitCurrentVersion(String version) {
        await("deploy-service runs " + version).atMost(STEP_BOUND).untilAsserted(() ->
                viewer().get(endpoints.deploy() + "/api/v1/services/{s}/environments/{e}", service, environment).then()
                        .statusCode(200).body("currentVersion", equalTo(version)));
    }

    private String awaitResolvedIncident() {
        return await("incident resolved").atMost(STEP_BOUND).until(() -> {
            JsonPath incidents = viewer().queryParam("service", service).queryParam("environment", environment)
                    .get(endpoints.postmortem() + "/api/v1/incidents").then().statusCode(200).extract().jsonPath();
            return "RESOLVED".equals(incidents.getString("[0].status")) ? incidents.getString("[0].id") : null;
        }, id -> id != null);
    }

    private List<JsonPath> webhookBodies() {
        return webhook.findAll(postRequestedFor(urlEqualTo("/hooks/payments"))).stream()
                .map(LoggedRequest::getBodyAsString)
                .map(JsonPath::new)
                .toList();
    }
}
