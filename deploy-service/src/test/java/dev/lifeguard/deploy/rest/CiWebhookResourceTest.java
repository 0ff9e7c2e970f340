package dev.lifeguard.deploy.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.lifeguard.deploy.DeployFixtures.CI_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.awaitEnvironment;
import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.OTHER_SECRET;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.PATH;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.SECRET;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.SOURCE;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.bareDeployment;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.count;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.githubSignature;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.lifeguardSignature;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.post;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.recorded;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.signed;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.structuredDeployment;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** The signed CI webhook: every accepted shape reaches lifeguard.ci and becomes a deployment; refusals leave no trace. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class CiWebhookResourceTest {

    @Inject
    DataSource dataSource;

    @Test
    void bareCdEventIsQueuedOnTheCiTopicUnderItsTargetAndDeployed() {
        String service = unique("checkout");
        String eventId = UUID.randomUUID().toString();

        post(bareDeployment(eventId, service, "production", "1.0.0").toString()).then()
                .statusCode(202)
                .body("status", equalTo("accepted"))
                .body("eventId", equalTo(eventId))
                .body("deliveryId", equalTo(eventId))
                .body("type", equalTo("dev.cdevents.service.deployed.0.3.0"));

        ConsumerRecord<String, String> queued = kafka().awaitRecord(CI_TOPIC, record -> record.value().contains(eventId));
        assertThat(queued.key()).isEqualTo(service + "/production");
        awaitEnvironment(service, "production", "1.0.0");
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("current.commit", equalTo("0123abc"))
                .body("current.team", equalTo("payments"))
                .body("current.changeUrl", equalTo("https://git.example.com/shop/commit/0123abc"));
    }

    @Test
    void structuredCloudEventIsAccepted() {
        String service = unique("checkout");
        String eventId = UUID.randomUUID().toString();
        String body = structuredDeployment(eventId, service, "staging", "2.0.0").toString();

        io.restassured.RestAssured.given().contentType("application/cloudevents+json; charset=utf-8").header("X-Lifeguard-Source", SOURCE)
                .header("X-Lifeguard-Signature", lifeguardSignature(SECRET, Instant.now(), body)).body(body)
                .post(PATH).then().statusCode(202).body("eventId", equalTo(eventId));

        awaitEnvironment(service, "staging", "2.0.0");
    }

    @Test
    void binaryModeCloudEventIsAccepted() {
        String service = unique("checkout");
        String eventId = UUID.randomUUID().toString();
        String body = bareDeployment("cdevent-" + eventId, service, "production", "3.0.0").toString();

        signed(body).header("ce-specversion", "1.0").header("ce-id", eventId)
                .header("ce-source", "/ci/jenkins%20shop").header("ce-type", "dev.cdevents.service.deployed.0.3.0")
                .header("ce-time", Instant.now().toString())
                .post(PATH).then().statusCode(202).body("eventId", equalTo(eventId));

        awaitEnvironment(service, "production", "3.0.0");
        String queued = kafka().awaitRecord(CI_TOPIC, record -> record.value().contains(eventId)).value();
        assertThat(queued).as("the ce-source header is percent-decoded").contains("\"source\":\"/ci/jenkins shop\"");
    }

    @Test
    void gitHubSignatureWithTheSourceAsQueryParameterIsAccepted() {
        String service = unique("checkout");
        String eventId = UUID.randomUUID().toString();
        String delivery = UUID.randomUUID().toString();
        String body = bareDeployment(eventId, service, "production", "4.0.0").toString();

        io.restassured.RestAssured.given().contentType("application/json").queryParam("source", SOURCE)
                .header("X-Hub-Signature-256", githubSignature(SECRET, body)).header("X-GitHub-Delivery", delivery)
                .body(body).post(PATH).then()
                .statusCode(202).body("deliveryId", equalTo(delivery)).body("eventId", equalTo(eventId));

        awaitEnvironment(service, "production", "4.0.0");
    }

    @Test
    void everyRefusedDeliveryIsAnswered401NamingTheHeaderAndLeavesNoTrace() {
        String service = unique("checkout");
        Map<String, String> refusedEventIds = new LinkedHashMap<>();
        List<Response> answers = new ArrayList<>();

        String wrongHex = body(service, refusedEventIds, "wrong hex");
        answers.add(io.restassured.RestAssured.given().contentType("application/json").header("X-Lifeguard-Source", SOURCE)
                .header("X-Lifeguard-Signature", "t=" + Instant.now().getEpochSecond() + ",v1=" + "ab".repeat(32))
                .body(wrongHex).post(PATH));
        String otherSecret = body(service, refusedEventIds, "another source's secret");
        answers.add(io.restassured.RestAssured.given().contentType("application/json").header("X-Lifeguard-Source", SOURCE)
                .header("X-Lifeguard-Signature", lifeguardSignature(OTHER_SECRET, Instant.now(), otherSecret))
                .body(otherSecret).post(PATH));
        String unsigned = body(service, refusedEventIds, "unsigned");
        answers.add(io.restassured.RestAssured.given().contentType("application/json").header("X-Lifeguard-Source", SOURCE)
                .body(unsigned).post(PATH));
        String stale = body(service, refusedEventIds, "stale");
        answers.add(io.restassured.RestAssured.given().contentType("application/json").header("X-Lifeguard-Source", SOURCE)
                .header("X-Lifeguard-Signature", lifeguardSignature(SECRET, Instant.now().minus(Duration.ofMinutes(6)), stale))
                .body(stale).post(PATH));
        String tampered = body(service, refusedEventIds, "tampered");
        answers.add(io.restassured.RestAssured.given().contentType("application/json").header("X-Lifeguard-Source", SOURCE)
                .header("X-Lifeguard-Signature", lifeguardSignature(SECRET, Instant.now(), tampered.replace("1.0.0", "1.0.1")))
                .body(tampered).post(PATH));
        String badGitHub = body(service, refusedEventIds, "bad GitHub signature");
        answers.add(io.restassured.RestAssured.given().contentType("application/json").header("X-Lifeguard-Source", SOURCE)
                .header("X-Hub-Signature-256", githubSignature(OTHER_SECRET, badGitHub)).body(badGitHub).post(PATH));
        String unknownSource = body(service, refusedEventIds, "unknown source");
        answers.add(io.restassured.RestAssured.given().contentType("application/json").header("X-Lifeguard-Source", "nobody")
                .header("X-Lifeguard-Signature", lifeguardSignature(SECRET, Instant.now(), unknownSource))
                .body(unknownSource).post(PATH));
        String noSource = body(service, refusedEventIds, "no source");
        answers.add(io.restassured.RestAssured.given().contentType("application/json")
                .header("X-Lifeguard-Signature", lifeguardSignature(SECRET, Instant.now(), noSource))
                .body(noSource).post(PATH));

        List<String> expectedFields = List.of("X-Lifeguard-Signature", "X-Lifeguard-Signature", "X-Lifeguard-Signature",
                "X-Lifeguard-Signature", "X-Lifeguard-Signature", "X-Hub-Signature-256", "X-Lifeguard-Source",
                "X-Lifeguard-Source");
        List<String> expectedDetails = List.of("does not match", "does not match", "not signed", "minutes from now",
                "does not match", "does not match", "not a configured CI source", "name the calling CI system");
        for (int i = 0; i < answers.size(); i++) {
            String why = new ArrayList<>(refusedEventIds.values()).get(i);
            answers.get(i).then().log().ifValidationFails()
                    .statusCode(401)
                    .contentType("application/problem+json")
                    .body("status", equalTo(401))
                    .body("field", equalTo(expectedFields.get(i)))
                    .body("detail", containsString(expectedDetails.get(i)));
            assertThat(answers.get(i).asString()).as(why).doesNotContain(SECRET).doesNotContain(OTHER_SECRET);
        }

        // a good delivery of the same target behind them: once it is deployed, nothing refused was let through
        String marker = UUID.randomUUID().toString();
        post(bareDeployment(marker, service, "production", "9.0.0").toString()).then().statusCode(202);
        awaitEnvironment(service, "production", "9.0.0");
        given().get("/api/v1/services/{s}/environments/production", service).then().body("history", hasSize(1));
        List<ConsumerRecord<String, String>> onTopic = kafka().readAll(CI_TOPIC);
        for (String eventId : refusedEventIds.keySet()) {
            assertThat(recorded(dataSource, eventId)).as(refusedEventIds.get(eventId)).isZero();
            assertThat(onTopic).as(refusedEventIds.get(eventId)).noneMatch(record -> record.value().contains(eventId));
        }
    }

    @Test
    void unreadableEventsAreAnswered400NamingTheFieldAndRecordNothing() {
        String service = unique("checkout");
        String eventId = UUID.randomUUID().toString();

        post("{\"context\": ").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("body")).body("detail", containsString("not JSON"));
        post("{\"hello\": \"world\"}").then().statusCode(400).body("field", equalTo("body"))
                .body("detail", containsString("neither a CloudEvent"));

        ObjectNode noArtifact = bareDeployment(eventId, service, "production", "1.0.0");
        ((ObjectNode) noArtifact.at("/subject/content")).remove("artifactId");
        post(noArtifact.toString()).then().statusCode(400).body("field", equalTo("subject.content.artifactId"));

        ObjectNode notAPackageUrl = bareDeployment(eventId, service, "production", "1.0.0");
        ((ObjectNode) notAPackageUrl.at("/subject/content")).put("artifactId", "checkout-1.0.0.jar");
        post(notAPackageUrl.toString()).then().statusCode(400).body("field", equalTo("subject.content.artifactId"))
                .body("detail", containsString("package URL"));

        ObjectNode badServiceName = bareDeployment(eventId, "not a name!", "production", "1.0.0");
        post(badServiceName.toString()).then().statusCode(400).body("field", equalTo("subject.id"));

        ObjectNode structuredNoService = structuredDeployment(eventId, service, "production", "1.0.0");
        ((ObjectNode) structuredNoService.at("/data/subject")).remove("id");
        post(structuredNoService.toString()).then().statusCode(400).body("field", equalTo("data.subject.id"));

        ObjectNode structuredNoId = structuredDeployment(eventId, service, "production", "1.0.0");
        structuredNoId.remove("id");
        post(structuredNoId.toString()).then().statusCode(400).body("field", equalTo("id"));

        String binaryBody = bareDeployment(eventId, service, "production", "1.0.0").toString();
        signed(binaryBody).header("ce-specversion", "1.0").header("ce-source", "/ci/test")
                .header("ce-type", "dev.cdevents.service.deployed.0.3.0").post(PATH).then()
                .statusCode(400).body("field", equalTo("ce-id")).body("detail", containsString("ce-id"));

        ObjectNode longId = bareDeployment("x".repeat(201), service, "production", "1.0.0");
        post(longId.toString()).then().statusCode(400).body("field", equalTo("id"));

        signed(bareDeployment(eventId, service, "production", "1.0.0").toString())
                .header("X-Lifeguard-Delivery", "two words").post(PATH).then()
                .statusCode(400).body("field", equalTo("X-Lifeguard-Delivery"));

        assertThat(recorded(dataSource, eventId)).isZero();
        given().get("/api/v1/services/{s}/environments/production", service).then().statusCode(404);
    }

    @Test
    void aBodyOverTheLimitIsAnswered413AndOtherMediaTypes415() {
        String service = unique("checkout");
        ObjectNode event = bareDeployment(UUID.randomUUID().toString(), service, "production", "1.0.0");
        event.with("customData").put("padding", "x".repeat(1024 * 1024));

        // refused before the webhook reads it: every endpoint's body limit (quarkus.http.limits.max-body-size) answers
        post(event.toString()).then().statusCode(413).contentType("application/problem+json");

        String body = bareDeployment(UUID.randomUUID().toString(), service, "production", "1.0.0").toString();
        io.restassured.RestAssured.given().contentType("application/x-www-form-urlencoded").header("X-Lifeguard-Source", SOURCE)
                .header("X-Lifeguard-Signature", lifeguardSignature(SECRET, Instant.now(), body)).body(body)
                .post(PATH).then().statusCode(415).contentType("application/problem+json")
                .body("field", equalTo("Content-Type"));
        given().get("/api/v1/services/{s}/environments/production", service).then().statusCode(404);
    }

    @Test
    void eventTypesOtherThanDeploymentsTakeTheCiTopicToo() {
        String eventId = UUID.randomUUID().toString();
        ObjectNode event = bareDeployment(eventId, unique("pipeline"), "production", "1.0.0");
        event.with("context").put("type", "dev.cdevents.pipelinerun.finished.0.2.0");
        event.remove("customData");
        ((ObjectNode) event.at("/subject")).remove("content");

        post(event.toString()).then().statusCode(202).body("type", equalTo("dev.cdevents.pipelinerun.finished.0.2.0"));

        ConsumerRecord<String, String> queued = kafka().awaitRecord(CI_TOPIC, record -> record.value().contains(eventId));
        assertThat(queued.key()).as("no environment named: no key").isNull();
    }

    /** A bare deployment CDEvent of the service with a fresh event id, remembered with why it is refused. */
    private static String body(String service, Map<String, String> refused, String why) {
        String eventId = UUID.randomUUID().toString();
        refused.put(eventId, why);
        return bareDeployment(eventId, service, "production", "1.0.0").toString();
    }

    @Test
    void aCiBearerTokenAuthenticatesWithoutASignature() {
        String service = unique("token-ci");
        String eventId = UUID.randomUUID().toString();
        String body = bareDeployment(eventId, service, "production", "1.0.0").toString();

        TestTokens.as(TestTokens.token("ci-bot", java.util.Set.of("ci"), java.util.Set.of()))
                .contentType("application/json").body(body).post(PATH).then().statusCode(202)
                .body("status", equalTo("accepted")).body("eventId", equalTo(eventId));
        awaitEnvironment(service, "production", "1.0.0");
        assertThat(count(dataSource, "SELECT count(*) FROM ci_webhook_delivery WHERE source = ?", "token:ci-bot"))
                .isPositive();
        // the same event again with the token: a duplicate, as a signed retry is
        TestTokens.as(TestTokens.token("ci-bot", java.util.Set.of("ci"), java.util.Set.of()))
                .contentType("application/json").body(body).post(PATH).then().statusCode(200)
                .body("status", equalTo("duplicate"));
    }

    @Test
    void aBearerTokenOnceSentDecidesEvenWithAValidSignature() {
        String service = unique("token-bad");
        String eventId = UUID.randomUUID().toString();
        String body = bareDeployment(eventId, service, "production", "1.0.0").toString();

        signed(body).auth().oauth2(TestTokens.badlySigned("ci")).post(PATH).then().statusCode(401)
                .contentType("application/problem+json");
        signed(body).auth().oauth2(TestTokens.expired("ci")).post(PATH).then().statusCode(401)
                .contentType("application/problem+json");
        signed(body).auth().oauth2(TestTokens.forRole("viewer")).post(PATH).then().statusCode(403)
                .contentType("application/problem+json");
        io.restassured.RestAssured.given().contentType("application/json").body(body).post(PATH).then()
                .statusCode(401).contentType("application/problem+json");
        assertThat(recorded(dataSource, eventId)).isZero();
        // and the signature alone still works
        post(body).then().statusCode(202);
    }

    @Test
    void aChangeUrlThatIsNotHttpIsRefusedNamingIt() {
        String eventId = UUID.randomUUID().toString();
        ObjectNode event = bareDeployment(eventId, unique("bad-url"), "production", "1.0.0");
        event.with("customData").put("changeUrl", "javascript:alert(1)");
        post(event.toString()).then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("customData.changeUrl"));
        assertThat(recorded(dataSource, eventId)).isZero();
    }
}
