package dev.lifeguard.postmortem.rest;

import dev.lifeguard.postmortem.ChainScenario;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static dev.lifeguard.postmortem.ReadModelTestClient.awaitIncident;
import static dev.lifeguard.postmortem.ReadModelTestClient.publish;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class IncidentResourceTest {

    @Test
    void anomalyOpensAnIncidentWhosePostmortemSaysItIsNotResolved() {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.UPGRADED);
        publish(chain, ChainScenario.ANOMALY);

        String incidentId = awaitIncident(chain, "OPEN");
        given().get("/api/v1/incidents/{id}", incidentId).then()
                .statusCode(200)
                .body("triggerVersion", equalTo("2.0.0"))
                .body("restoredVersion", nullValue())
                .body("resolvedAt", nullValue());
        String postmortem = given().get("/api/v1/incidents/{id}/postmortem", incidentId).then()
                .statusCode(200)
                .extract().asString();
        assertThat(postmortem)
                .startsWith("# Post-mortem: " + chain.service() + " 2.0.0 in production")
                .contains("## Resolution\n\nNot resolved yet");
    }

    @Test
    void filtersSelectByServiceAndEnvironment() {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.ANOMALY);
        awaitIncident(chain, "OPEN");

        given().queryParam("service", chain.service()).queryParam("environment", "production")
                .get("/api/v1/incidents").then()
                .statusCode(200)
                .body("service", contains(chain.service()));
        given().queryParam("service", chain.service()).queryParam("environment", "staging")
                .get("/api/v1/incidents").then()
                .statusCode(200)
                .body("$", empty());
        given().get("/api/v1/incidents").then()
                .statusCode(200)
                .body("findAll { it.service == '" + chain.service() + "' }", hasSize(1));
    }

    @Test
    void invalidServiceFilterIsAProblemThatNamesIt() {
        given().queryParam("service", "bad service!").get("/api/v1/incidents").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("field", equalTo("service"));
    }

    @Test
    void invalidEnvironmentFilterIsAProblemThatNamesIt() {
        given().queryParam("environment", "../prod").get("/api/v1/incidents").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("environment"));
    }

    @Test
    void unknownIncidentIsANotFoundProblem() {
        given().get("/api/v1/incidents/{id}", "no-such-incident").then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("title", equalTo("Not found"));
    }

    @Test
    void postmortemOfAnUnknownIncidentIsANotFoundProblem() {
        given().get("/api/v1/incidents/{id}/postmortem", "no-such-incident").then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("no incident with id 'no-such-incident'"));
    }
}
