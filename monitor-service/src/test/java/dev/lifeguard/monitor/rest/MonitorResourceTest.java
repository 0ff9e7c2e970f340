package dev.lifeguard.monitor.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.lifeguard.monitor.Fixtures.ANOMALIES_TOPIC;
import static dev.lifeguard.monitor.Fixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.monitor.Fixtures.ENVIRONMENT;
import static dev.lifeguard.monitor.Fixtures.anomalies;
import static dev.lifeguard.monitor.Fixtures.awaitVerification;
import static dev.lifeguard.monitor.Fixtures.deploymentId;
import static dev.lifeguard.monitor.Fixtures.errorRate;
import static dev.lifeguard.monitor.Fixtures.key;
import static dev.lifeguard.monitor.Fixtures.secondsAgo;
import static dev.lifeguard.monitor.Fixtures.uniqueService;
import static dev.lifeguard.monitor.Fixtures.upgraded;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
class MonitorResourceTest {

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();

    @Test
    void postedBadSamplesRaiseTheAnomalyBeforeTheResponse() {
        String service = uniqueService();
        ObjectNode deployment = watch(service, "2.0.0");

        // Undated samples: measured on arrival, in the order sent.
        post(array(errorRate(service, "2.0.0", 0.21, null), errorRate(service, "2.0.0", 0.34, null),
                errorRate(service, "2.0.0", 0.4, null)))
                .statusCode(202)
                .body("accepted", equalTo(3));

        String anomalyId = anomalies(service).body("$", hasSize(1))
                .body("[0].deploymentId", equalTo(deploymentId(deployment)))
                .body("[0].version", equalTo("2.0.0"))
                .body("[0].metric", equalTo("error_rate"))
                .body("[0].threshold", equalTo(0.05f))
                .body("[0].consecutiveSamples", equalTo(3))
                .body("[0].observedValues", contains(0.21f, 0.34f, 0.4f))
                .body("[0].firstSampleAt", notNullValue())
                .body("[0].description", equalTo("error_rate above 0.05 for 3 consecutive samples on " + service
                        + " 2.0.0 in production"))
                .extract().path("[0].id");
        given().get("/api/v1/anomalies/{id}", anomalyId).then().statusCode(200).body("service", equalTo(service));
        awaitVerification(service, "anomalyId", equalTo(anomalyId)).body("status", equalTo("ANOMALY_DETECTED"));

        ConsumerRecord<String, String> record = kafka.awaitRecord(ANOMALIES_TOPIC, r -> key(service).equals(r.key()));
        assertThat(EventContract.violations(record.value())).isEmpty();
        assertThat(EventContract.parse(record.value()).at("/data/customData/anomalyId").asText()).isEqualTo(anomalyId);
    }

    @Test
    void aSingleSampleObjectIsAccepted() {
        String service = uniqueService();
        watch(service, "2.0.0");

        post(errorRate(service, "2.0.0", 0.01, null)).statusCode(202).body("accepted", equalTo(1));

        awaitVerification(service, "samplesInWindow", equalTo(1));
    }

    @Test
    void samplesOfAnotherVersionOrOutsideTheWindowAreNotJudged() {
        String service = uniqueService();
        watch(service, "2.0.0");

        post(array(errorRate(service, "1.0.0", 0.3, secondsAgo(30)), errorRate(service, "1.0.0", 0.3, secondsAgo(20)),
                errorRate(service, "1.0.0", 0.3, secondsAgo(10)))).statusCode(202);
        // Before the deployment time (120 s ago) and after the 30 minute window.
        post(array(errorRate(service, "2.0.0", 0.3, secondsAgo(200)), errorRate(service, "2.0.0", 0.3, secondsAgo(190)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(-1900)), errorRate(service, "2.0.0", 0.3, secondsAgo(-1910))))
                .statusCode(202);

        anomalies(service).body("$", hasSize(0));
        awaitVerification(service, "samplesInWindow", equalTo(0)).body("status", equalTo("WATCHING"));
    }

    @Test
    void samplesThatArriveBeforeTheDeploymentEventAreJudgedWhenItArrives() {
        String service = uniqueService();
        post(array(errorRate(service, "2.0.0", 0.3, secondsAgo(30)), errorRate(service, "2.0.0", 0.3, secondsAgo(20)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(10)))).statusCode(202);
        anomalies(service).body("$", hasSize(0));

        kafka.send(DEPLOYMENTS_TOPIC, key(service), upgraded(service, "2.0.0", secondsAgo(60)).toString());

        await().untilAsserted(() -> anomalies(service).body("$", hasSize(1)));
    }

    @Test
    void aResentSampleIsStoredOnce() {
        String service = uniqueService();
        watch(service, "2.0.0");
        ArrayNode twoBadSamples = array(errorRate(service, "2.0.0", 0.3, secondsAgo(20)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(10)));

        post(twoBadSamples).statusCode(202);
        post(twoBadSamples).statusCode(202);

        // Counted twice, two bad samples would look like a streak of four.
        anomalies(service).body("$", hasSize(0));
        awaitVerification(service, "samplesInWindow", equalTo(2));
    }

    @Test
    void aBadSampleIsAProblemThatNamesTheField() {
        String service = uniqueService();
        ObjectNode notANumber = errorRate(service, "2.0.0", 0, null).put("value", "0.3");
        ObjectNode noMetric = errorRate(service, "2.0.0", 0.3, null);
        noMetric.remove("metric");

        problem(array(errorRate(service, "2.0.0", 0.3, null), errorRate(service, "2.0.0", 0.3, null), notANumber),
                "[2].value");
        problem(array(noMetric), "[0].metric");
        problem(errorRate(service, "2.0.0", 0.3, null).put("timestamp", "26/11/2026"), "timestamp");
        problem(array(errorRate(service, "2.0.0", 0.3, null).put("service", "")), "[0].service");
        problem(array(), null);
        post("[{\"service\":").statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("not JSON"));

        anomalies(service).body("$", hasSize(0));
    }

    @Test
    void anomaliesCanBeListedForAllTargets() {
        String service = uniqueService();
        watch(service, "2.0.0");
        post(array(errorRate(service, "2.0.0", 0.3, null), errorRate(service, "2.0.0", 0.3, null),
                errorRate(service, "2.0.0", 0.3, null))).statusCode(202);

        List<String> services = given().get("/api/v1/anomalies").then().statusCode(200).extract().path("service");
        assertThat(services).contains(service);
        given().queryParam("service", service).queryParam("environment", "staging").get("/api/v1/anomalies").then()
                .statusCode(200)
                .body("$", hasSize(0));
    }

    @Test
    void unknownTargetOrAnomalyIsANotFoundProblem() {
        given().get("/api/v1/deployments/{service}/{environment}", uniqueService(), ENVIRONMENT).then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("title", equalTo("Not found"));
        given().get("/api/v1/anomalies/{id}", "no-such-anomaly").then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    private ObjectNode watch(String service, String version) {
        ObjectNode deployment = upgraded(service, version, secondsAgo(120));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        awaitVerification(service, "status", equalTo("WATCHING"));
        return deployment;
    }

    private static ArrayNode array(ObjectNode... samples) {
        return JsonNodeFactory.instance.arrayNode().addAll(List.of(samples));
    }

    private static ValidatableResponse post(Object body) {
        return given().contentType(ContentType.JSON).body(body.toString()).post("/api/v1/metrics").then();
    }

    private static void problem(Object body, String field) {
        ValidatableResponse response = post(body)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("field", equalTo(field));
        if (field != null) {
            response.body("detail", containsString("'" + field + "'"));
        }
    }
}
