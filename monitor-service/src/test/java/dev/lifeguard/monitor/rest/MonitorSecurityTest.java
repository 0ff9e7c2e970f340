package dev.lifeguard.monitor.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.PrometheusResource;
import dev.lifeguard.testsupport.SecurityMatrix;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import static dev.lifeguard.monitor.Fixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.monitor.Fixtures.ENVIRONMENT;
import static dev.lifeguard.monitor.Fixtures.awaitAnalysis;
import static dev.lifeguard.monitor.Fixtures.errorRate;
import static dev.lifeguard.monitor.Fixtures.key;
import static dev.lifeguard.monitor.Fixtures.secondsAgo;
import static dev.lifeguard.monitor.Fixtures.uniqueService;
import static dev.lifeguard.monitor.Fixtures.upgraded;
import static dev.lifeguard.testsupport.AdminApi.given;
import static dev.lifeguard.testsupport.SecurityMatrix.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * Who may call what on monitor-service: every endpoint against the six cases of {@link SecurityMatrix}, team scope of
 * analysis specs, strict and bounded bodies, and the audit trail of calls and of analyses that end.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
@QuarkusTestResource(PrometheusResource.class)
class MonitorSecurityTest {

    private static final String TEAM = "payments";
    private static final String SPEC = "{\"window\":\"30m\",\"metrics\":[{\"metric\":\"error_rate\","
            + "\"detector\":\"threshold\",\"max\":0.05}]";
    private static final String OWNED_SPEC = SPEC + ",\"team\":\"" + TEAM + "\"}";
    private static final Duration BOUND = Duration.ofSeconds(60);

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();

    @Test
    void everyEndpointAnswersEachCaseAsItShould() {
        String service = uniqueService();
        String specPath = "/api/v1/analysis-specs/" + service + "/" + ENVIRONMENT;
        given().contentType(ContentType.JSON).body(OWNED_SPEC).put(specPath).then().statusCode(200)
                .body("team", equalTo(TEAM));
        String outboxRow = await().atMost(BOUND).until(() -> given().queryParam("status", "sent")
                .queryParam("limit", "1").get("/api/v1/outbox").then().statusCode(200).extract().path("[0].id"),
                Objects::nonNull).toString();
        String sample = errorRate(uniqueService(), "1.0.0", 0.01, null).toString();

        SecurityMatrix.check(
                endpoint("GET", "/api/v1/analysis-specs").needs("viewer").answers(200),
                endpoint("GET", specPath).needs("viewer").ownedBy(TEAM).answers(200),
                endpoint("PUT", specPath).body(OWNED_SPEC).needs("operator").ownedBy(TEAM).answers(200),
                endpoint("DELETE", specPath).needs("operator").ownedBy(TEAM).answers(204),
                endpoint("POST", "/api/v1/metrics").body(sample).needs("ci").answers(202),
                endpoint("GET", "/api/v1/analyses").needs("viewer").answers(200),
                // no analysis of that target has started: the right token gets as far as the 404 that says so
                endpoint("GET", "/api/v1/analyses/" + service + "/" + ENVIRONMENT).needs("viewer").answers(404),
                endpoint("GET", "/api/v1/anomalies").needs("viewer").answers(200),
                endpoint("GET", "/api/v1/anomalies/no-such-anomaly").needs("viewer").answers(404),
                endpoint("GET", "/api/v1/outbox").needs("viewer").answers(200),
                endpoint("POST", "/api/v1/outbox/" + outboxRow + "/retry").needs("operator").answers(409));
    }

    @Test
    void aTeamsSpecIsInvisibleToOtherTeamsAndThePlatformsIsChangedOnlyByAdmins() {
        String owned = "/api/v1/analysis-specs/" + uniqueService() + "/" + ENVIRONMENT;
        String platform = "/api/v1/analysis-specs/" + uniqueService() + "/" + ENVIRONMENT;
        RequestSpecification payments = TestTokens.as(TestTokens.forRole("operator", TEAM));
        RequestSpecification search = TestTokens.as(TestTokens.forRole("operator", "search"));

        search.contentType(ContentType.JSON).body(OWNED_SPEC).put(owned).then().statusCode(403)
                .contentType("application/problem+json").body("field", equalTo("team"));
        TestTokens.as(TestTokens.forRole("operator", TEAM)).contentType(ContentType.JSON).body(SPEC + "}").put(owned)
                .then().statusCode(403).body("field", equalTo("team"));
        payments.contentType(ContentType.JSON).body(OWNED_SPEC).put(owned).then().statusCode(200)
                .body("team", equalTo(TEAM));
        given().contentType(ContentType.JSON).body(SPEC + "}").put(platform).then().statusCode(200)
                .body("team", equalTo(null));

        String ownedTarget = owned.substring(owned.indexOf("specs/") + 6, owned.lastIndexOf('/'));
        TestTokens.as(TestTokens.forRole("viewer", "search")).get("/api/v1/analysis-specs").then().statusCode(200)
                .body("service", not(hasItem(ownedTarget)));
        TestTokens.as(TestTokens.forRole("viewer", TEAM)).get("/api/v1/analysis-specs").then().statusCode(200)
                .body("service", hasItem(ownedTarget));
        TestTokens.as(TestTokens.forRole("viewer", "search")).get(owned).then().statusCode(404)
                .contentType("application/problem+json");
        TestTokens.as(TestTokens.forRole("viewer", "search")).get(platform).then().statusCode(200);
        search.contentType(ContentType.JSON).body(SPEC + ",\"team\":\"search\"}").put(owned).then().statusCode(404);
        search.delete(owned).then().statusCode(404);
        search.contentType(ContentType.JSON).body(SPEC + ",\"team\":\"search\"}").put(platform).then().statusCode(403);
        search.delete(platform).then().statusCode(403);

        given().contentType(ContentType.JSON).body(SPEC + ",\"team\":\"search\"}").put(owned).then().statusCode(200)
                .body("team", equalTo("search"));
        payments.get(owned).then().statusCode(404);
    }

    @Test
    void unknownFieldsAreRefusedByName() {
        String path = "/api/v1/analysis-specs/" + uniqueService() + "/" + ENVIRONMENT;
        given().contentType(ContentType.JSON).body(SPEC + ",\"owner\":\"me\"}").put(path).then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("owner"));
        given().contentType(ContentType.JSON).body("{\"window\":\"30m\",\"metrics\":[{\"metric\":\"error_rate\","
                        + "\"detector\":\"threshold\",\"max\":0.05,\"maximum\":1}]}").put(path).then().statusCode(400)
                .body("field", equalTo("metrics[0].maximum"));
        given().contentType(ContentType.JSON).body("{\"window\":\"30m\",\"metrics\":[{\"metric\":\"error_rate\","
                + "\"detector\":\"threshold\",\"min\":0,\"max\":0.05,\"failureLimit\":2}]}").put(path).then().statusCode(200);
        given().get(path).then().statusCode(200).body("isDefault", equalTo(false));

        ObjectNode sample = errorRate(uniqueService(), "1.0.0", 0.01, null);
        sample.put("labels", "x");
        given().contentType(ContentType.JSON).body(List.of(errorRate(uniqueService(), "1.0.0", 0.01, null), sample)
                        .toString()).post("/api/v1/metrics").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("[1].labels"));
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413() {
        SecurityMatrix.assertBodyLimit("POST /api/v1/metrics", "PUT /api/v1/analysis-specs/svc/production");
    }

    @Test
    void healthMetricsAndOpenApiNeedNoToken() {
        SecurityMatrix.assertOperationsEndpointsOpen();
    }

    @Test
    void aCallAndAnAnalysisThatEndsAreEachInTheAuditTrail() {
        String service = uniqueService();
        TestTokens.as(TestTokens.token("mallory", Set.of("viewer"), Set.of())).contentType(ContentType.JSON)
                .body(errorRate(service, "2.0.0", 0.5, null).toString()).post("/api/v1/metrics").then()
                .statusCode(403);
        JsonNode call = EventContract.parse(kafka.awaitRecord("lifeguard.audit",
                record -> record.value().contains("\"mallory\"")).value());
        assertThat(EventContract.violations(call.toString())).isEmpty();
        assertThat(call.at("/data/subject/content/actor").asText()).isEqualTo("mallory");
        assertThat(call.at("/data/subject/content/outcome").asText()).isEqualTo("forbidden");

        kafka.send(DEPLOYMENTS_TOPIC, key(service), upgraded(service, "2.0.0", secondsAgo(60)).toString());
        awaitAnalysis(service, "status", equalTo("RUNNING"));
        TestTokens.as(TestTokens.forRole("ci")).contentType(ContentType.JSON)
                .body(List.of(errorRate(service, "2.0.0", 0.21, secondsAgo(30)),
                        errorRate(service, "2.0.0", 0.34, secondsAgo(20)),
                        errorRate(service, "2.0.0", 0.4, secondsAgo(10))).toString())
                .post("/api/v1/metrics").then().statusCode(202);

        JsonNode ended = EventContract.parse(kafka.awaitRecord("lifeguard.audit",
                record -> record.value().contains("analysis.ended") && record.value().contains(key(service))).value());
        assertThat(EventContract.violations(ended.toString())).isEmpty();
        JsonNode content = ended.at("/data/subject/content");
        assertThat(content.path("actor").asText()).isEqualTo("service:monitor-service");
        assertThat(content.path("action").asText()).isEqualTo("analysis.ended");
        assertThat(content.path("target").asText()).isEqualTo(key(service));
        assertThat(content.path("outcome").asText()).isEqualTo("failed");
        assertThat(content.path("detail").asText()).contains("error_rate");
    }
}
