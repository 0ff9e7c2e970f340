package dev.lifeguard.deploy.rest;

import dev.lifeguard.testsupport.Concurrently;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.lifeguard.deploy.DeployFixtures.CI_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.awaitEnvironment;
import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.PATH;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.SECRET;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.SOURCE;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.bareDeployment;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.count;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.lifeguardSignature;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.post;
import static dev.lifeguard.deploy.rest.CiWebhookFixtures.recorded;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * The failure-mode checklist for the CI webhook: a delivery twice (CI retried), a retry arriving after a newer
 * deployment, the database down, two instances receiving one delivery at once, the broker away. (A reset of
 * lifeguard.ci concerns the consumer behind the webhook: ConsumerFailureModesTest.)
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class CiWebhookFailureModesTest {

    @Inject
    DataSource dataSource;

    // --- twice ---------------------------------------------------------------------------------------------

    @Test
    void aRepeatedDeliveryIsAnsweredDuplicateAndQueuedOnce() {
        String service = unique("checkout");
        String eventId = UUID.randomUUID().toString();
        String delivery = UUID.randomUUID().toString();
        String body = bareDeployment(eventId, service, "production", "1.0.0").toString();

        withDelivery(body, delivery).post(PATH).then().statusCode(202).body("status", equalTo("accepted"));
        withDelivery(body, delivery).post(PATH).then().statusCode(200).body("status", equalTo("duplicate"))
                .body("eventId", equalTo(eventId));
        // the same event under another delivery id (a CI re-run sending it again) is a duplicate too
        withDelivery(body, UUID.randomUUID().toString()).post(PATH).then().statusCode(200)
                .body("status", equalTo("duplicate"));

        assertThat(count(dataSource, "SELECT count(*) FROM ci_webhook_delivery WHERE event_id = ?", eventId)).isOne();
        assertThat(count(dataSource, "SELECT count(*) FROM outbox_event WHERE event_id = ?", eventId)).isOne();
        awaitQueuedAndDeployedBehind(service, "2.0.0");
        assertThat(kafka().readAll(CI_TOPIC)).filteredOn(record -> record.value().contains(eventId)).hasSize(1);
    }

    // --- out of order ----------------------------------------------------------------------------------------

    @Test
    void aRetryOfAnOldDeliveryArrivingAfterANewerDeploymentChangesNothing() {
        String service = unique("checkout");
        String first = bareDeployment(UUID.randomUUID().toString(), service, "production", "1.0.0").toString();
        String firstDelivery = UUID.randomUUID().toString();
        withDelivery(first, firstDelivery).post(PATH).then().statusCode(202);
        awaitEnvironment(service, "production", "1.0.0");
        post(bareDeployment(UUID.randomUUID().toString(), service, "production", "2.0.0").toString()).then()
                .statusCode(202);
        awaitEnvironment(service, "production", "2.0.0");

        withDelivery(first, firstDelivery).post(PATH).then().statusCode(200).body("status", equalTo("duplicate"));

        awaitQueuedAndDeployedBehind(service, "3.0.0");
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("history.version", equalTo(List.of("3.0.0", "2.0.0", "1.0.0")));
    }

    // --- database down -------------------------------------------------------------------------------------------

    @Test
    void withTheDatabaseDownADeliveryIsAnswered503AndAcceptedWhenSentAgainAfterwards() {
        String service = unique("checkout");
        String eventId = UUID.randomUUID().toString();
        String body = bareDeployment(eventId, service, "production", "1.0.0").toString();
        String delivery = UUID.randomUUID().toString();

        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            withDelivery(body, delivery).post(PATH).then().log().ifValidationFails()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .body("status", equalTo(503));
        }
        assertThat(recorded(dataSource, eventId)).isZero();

        withDelivery(body, delivery).post(PATH).then().statusCode(202).body("status", equalTo("accepted"));
        awaitEnvironment(service, "production", "1.0.0");
    }

    // --- two instances at once -------------------------------------------------------------------------------

    @Test
    void oneDeliveryReceivedTwiceAtOnceIsQueuedOnce() {
        String service = unique("checkout");
        String eventId = UUID.randomUUID().toString();
        String body = bareDeployment(eventId, service, "production", "1.0.0").toString();
        String delivery = UUID.randomUUID().toString();
        List<Response> answers = new CopyOnWriteArrayList<>();

        Concurrently.atOnce(Duration.ofSeconds(60),
                () -> answers.add(withDelivery(body, delivery).post(PATH)),
                () -> answers.add(withDelivery(body, delivery).post(PATH)));

        assertThat(answers).extracting(Response::statusCode).containsExactlyInAnyOrder(202, 200);
        assertThat(count(dataSource, "SELECT count(*) FROM outbox_event WHERE event_id = ?", eventId)).isOne();
        awaitQueuedAndDeployedBehind(service, "2.0.0");
        given().get("/api/v1/services/{s}/environments/production", service).then().body("history", hasSize(2));
        assertThat(kafka().readAll(CI_TOPIC)).filteredOn(record -> record.value().contains(eventId)).hasSize(1);
    }

    // --- broker restart ----------------------------------------------------------------------------------------

    @Test
    void withTheBrokerAwayADeliveryIsAcceptedAndDeployedOnceTheBrokerIsBack() {
        String service = unique("checkout");
        String eventId = UUID.randomUUID().toString();
        KafkaBrokerResource.broker().stopBroker();
        try {
            post(bareDeployment(eventId, service, "production", "1.0.0").toString()).then().statusCode(202);
        } finally {
            KafkaBrokerResource.broker().startBroker();
        }
        awaitEnvironment(service, "production", "1.0.0");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static RequestSpecification withDelivery(String body, String delivery) {
        return io.restassured.RestAssured.given().contentType("application/json").header("X-Lifeguard-Source", SOURCE)
                .header("X-Lifeguard-Delivery", delivery)
                .header("X-Lifeguard-Signature", lifeguardSignature(SECRET, Instant.now(), body)).body(body);
    }

    /**
     * Sends a newer deployment of the service and waits until it runs: it shares the key, so the partition, with
     * what was queued before, and the consumer handled all of that first.
     */
    private static void awaitQueuedAndDeployedBehind(String service, String version) {
        post(bareDeployment(UUID.randomUUID().toString(), service, "production", version).toString()).then()
                .statusCode(202);
        awaitEnvironment(service, "production", version);
    }
}
