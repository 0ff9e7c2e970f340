package dev.lifeguard.monitor.rest;

import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.PrometheusResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static dev.lifeguard.monitor.Fixtures.ENVIRONMENT;
import static dev.lifeguard.monitor.Fixtures.uniqueService;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Specs over REST: stored normalised, published to the engine, refused with the field named when invalid. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
@QuarkusTestResource(PrometheusResource.class)
class AnalysisSpecResourceTest {

    private static final String PATH = "/api/v1/analysis-specs/{service}/{environment}";

    @Test
    void withoutASpecOfItsOwnATargetHasTheDefaultRule() {
        given().get(PATH, uniqueService(), ENVIRONMENT).then().statusCode(200)
                .body("isDefault", equalTo(true))
                .body("spec.window", equalTo("30m"))
                .body("spec.minSamples", equalTo(3))
                .body("spec.metrics[0].metric", equalTo("error_rate"))
                .body("spec.metrics[0].detector", equalTo("threshold"))
                .body("spec.metrics[0].max", equalTo(0.05f))
                .body("spec.metrics[0].failureLimit", equalTo(3));
    }

    @Test
    void aSpecIsStoredNormalisedListedPublishedAndDeleted() {
        String service = uniqueService();
        given().contentType("application/json").body("{\"window\":\"PT15M\",\"metrics\":[{\"metric\":\"latency_p99\","
                        + "\"detector\":\"canary\"},{\"metric\":\"error_rate\",\"detector\":\"cusum\",\"direction\":\"increase\"}]}")
                .put(PATH, service, ENVIRONMENT).then().statusCode(200)
                .body("isDefault", equalTo(false))
                .body("spec.window", equalTo("15m"))
                .body("spec.interval", equalTo("1m"))
                .body("spec.metrics[0].provider", equalTo("stream"))
                .body("spec.metrics[0].confidence", equalTo(0.98f))
                .body("spec.metrics[1].h", equalTo(5.0f));
        given().get(PATH, service, ENVIRONMENT).then().statusCode(200).body("spec.window", equalTo("15m"));
        given().get("/api/v1/analysis-specs").then().statusCode(200).body("service", hasItem(service));
        KafkaTestClient.forTestBroker().awaitRecord("lifeguard.analysis-specs",
                record -> (service + "/" + ENVIRONMENT).equals(record.key()) && record.value().contains("15m"));

        given().delete(PATH, service, ENVIRONMENT).then().statusCode(204);
        given().get(PATH, service, ENVIRONMENT).then().statusCode(200).body("isDefault", equalTo(true));
        given().delete(PATH, service, ENVIRONMENT).then().statusCode(404)
                .contentType("application/problem+json");
        assertThat(KafkaTestClient.forTestBroker().awaitRecord("lifeguard.analysis-specs",
                record -> (service + "/" + ENVIRONMENT).equals(record.key()) && record.value().contains("\"spec\":null")))
                .isNotNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"metrics\":[{\"metric\":\"m\",\"detector\":\"threshold\",\"max\":1}]}|window",
            "{\"window\":\"soon\",\"metrics\":[{\"metric\":\"m\",\"detector\":\"threshold\",\"max\":1}]}|window",
            "{\"window\":\"5m\",\"interval\":\"10m\",\"metrics\":[{\"metric\":\"m\",\"detector\":\"threshold\",\"max\":1}]}|interval",
            "{\"window\":\"5m\",\"minSamples\":0,\"metrics\":[{\"metric\":\"m\",\"detector\":\"threshold\",\"max\":1}]}|minSamples",
            "{\"window\":\"5m\",\"metrics\":[]}|metrics",
            "{\"window\":\"5m\",\"metrics\":[{\"detector\":\"threshold\",\"max\":1}]}|metrics[0].metric",
            "{\"window\":\"5m\",\"metrics\":[{\"metric\":\"m\",\"detector\":\"magic\"}]}|metrics[0].detector",
            "{\"window\":\"5m\",\"metrics\":[{\"metric\":\"m\",\"provider\":\"datadog\",\"detector\":\"threshold\",\"max\":1}]}|metrics[0].provider",
            "{\"window\":\"5m\",\"metrics\":[{\"metric\":\"m\",\"provider\":\"prometheus\",\"detector\":\"threshold\",\"max\":1}]}|metrics[0].query",
            "{\"window\":\"5m\",\"metrics\":[{\"metric\":\"m\",\"detector\":\"threshold\",\"max\":\"high\"}]}|metrics[0].max",
            "{\"window\":\"5m\",\"metrics\":[{\"metric\":\"m\",\"detector\":\"canary\",\"confidence\":2}]}|metrics[0].confidence",
            "{\"window\":\"5m\",\"metrics\":[{\"metric\":\"m\",\"detector\":\"cusum\",\"direction\":\"sideways\"}]}|metrics[0].direction",
            "{\"window\":\"5m\",\"metrics\":[{\"metric\":\"m\",\"detector\":\"threshold\",\"max\":1},{\"metric\":\"m\",\"detector\":\"threshold\",\"max\":2}]}|metrics[1].metric"
    })
    void anInvalidSpecIsRefusedWithTheFieldNamed(String spec, String field) {
        given().contentType("application/json").body(spec).put(PATH, uniqueService(), ENVIRONMENT).then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(field))
                .body("detail", containsString(field));
    }

    @Test
    void invalidTargetsAndNonJsonBodiesAreRefused() {
        given().contentType("application/json").body("{").put(PATH, uniqueService(), ENVIRONMENT).then()
                .statusCode(400).contentType("application/problem+json").body("detail", containsString("not JSON"));
        given().get(PATH, "bad\"name", ENVIRONMENT).then().statusCode(400).body("field", equalTo("service"));
    }

    @Test
    void samplesPostedOverRestAreCheckedLikeRecordsWithTheFieldNamed() {
        given().contentType("application/json").body("[{\"service\":\"s\",\"environment\":\"e\",\"version\":\"1\","
                        + "\"metric\":\"m\",\"value\":1},{\"service\":\"s\",\"environment\":\"e\",\"version\":\"1\",\"metric\":\"m\"}]")
                .post("/api/v1/metrics").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("[1].value"));
        given().contentType("application/json").body("{\"service\":\"s\",\"environment\":\"e\",\"version\":\"1\","
                        + "\"metric\":\"m\",\"value\":1,\"timestamp\":\"2099-01-01T00:00:00Z\"}")
                .post("/api/v1/metrics").then().statusCode(400).body("field", equalTo("timestamp"))
                .body("detail", containsString("future"));
        given().queryParam("status", "GREEN").get("/api/v1/analyses").then().statusCode(400)
                .body("field", equalTo("status"));
        given().get("/api/v1/analyses/{service}/{environment}", uniqueService(), ENVIRONMENT).then().statusCode(404)
                .contentType("application/problem+json");
    }
}
