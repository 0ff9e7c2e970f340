package dev.lifeguard.support.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CloudEventReaderTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final CloudEventReader reader = new CloudEventReader(MAPPER);

    private static final String CDEVENT = """
            {"context":{"specversion":"0.5.1","id":"e-1","chainId":"chain-1","source":"/ci","type":"dev.cdevents.service.deployed.0.3.0",
              "timestamp":"2026-11-26T09:00:00Z"},
             "subject":{"id":"checkout","content":{"environment":{"id":"prod"},"artifactId":"pkg:generic/checkout@1.0.0"}}}""";

    @Test
    void bareCdEventGetsTheCloudEventsBindingFromItsContext() {
        CloudEvent event = reader.read(CDEVENT, new RecordHeaders());

        assertThat(event.id()).isEqualTo("e-1");
        assertThat(event.source()).isEqualTo("/ci");
        assertThat(event.type()).isEqualTo("dev.cdevents.service.deployed.0.3.0");
        assertThat(event.time()).isEqualTo(OffsetDateTime.parse("2026-11-26T09:00:00Z"));
        assertThat(event.chainId()).isEqualTo("chain-1");
        assertThat(event.subject()).isEqualTo("checkout");
        assertThat(event.cdEvent().content().path("artifactId").asText()).isEqualTo("pkg:generic/checkout@1.0.0");
    }

    @Test
    void structuredCloudEventCarriesTheCdEventAsData() {
        String structured = "{\"specversion\":\"1.0\",\"id\":\"ce-1\",\"source\":\"/tekton\",\"type\":\"dev.cdevents.service.upgraded.0.3.0\","
                + "\"subject\":\"checkout/prod\",\"time\":\"2026-11-26T10:00:00Z\",\"data\":" + CDEVENT + "}";

        CloudEvent event = reader.read(structured, new RecordHeaders());

        assertThat(event.id()).isEqualTo("ce-1");
        assertThat(event.type()).isEqualTo("dev.cdevents.service.upgraded.0.3.0");
        assertThat(event.subject()).isEqualTo("checkout/prod");
        assertThat(event.chainId()).as("falls back to the CDEvent chainId").isEqualTo("chain-1");
        assertThat(event.cdEvent().context().path("id").asText()).isEqualTo("e-1");
    }

    @Test
    void binaryCloudEventTakesItsAttributesFromCeHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes("1.0"));
        headers.add("ce_id", bytes("bin-1"));
        headers.add("ce_source", bytes("/jenkins"));
        headers.add("ce_type", bytes("dev.cdevents.service.upgraded.0.3.0"));
        headers.add("ce_chainid", bytes("chain-from-header"));

        CloudEvent event = reader.read(CDEVENT, headers);

        assertThat(event.id()).isEqualTo("bin-1");
        assertThat(event.source()).isEqualTo("/jenkins");
        assertThat(event.chainId()).isEqualTo("chain-from-header");
        assertThat(event.time()).isNull();
        assertThat(event.cdEvent().subject().path("id").asText()).isEqualTo("checkout");
    }

    @Test
    void structuredJsonRoundTrips() throws Exception {
        CloudEvent built = CdEventBuilder.event("dev.cdevents.service.deployed.0.3.0")
                .source("/lifeguard/test").chainId("c-9").triggeredBy("e-0").subjectId("cart")
                .cloudEventSubject("cart/prod").content(MAPPER.createObjectNode().put("artifactId", "pkg:generic/cart@1"))
                .build(MAPPER);

        CloudEvent read = reader.read(MAPPER.writeValueAsString(built.toStructuredJson(MAPPER)), new RecordHeaders());

        assertThat(read).isEqualTo(built);
        assertThat(read.cdEvent().context().at("/links/0/target/contextId").asText()).isEqualTo("e-0");
    }

    @Test
    void unreadableInputIsRejectedWithTheReason() {
        assertThatThrownBy(() -> reader.read("not json", new RecordHeaders()))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> reader.read("[1,2]", new RecordHeaders()))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> reader.read("{\"hello\":1}", new RecordHeaders()))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("neither a CloudEvent");
        assertThatThrownBy(() -> reader.read("{\"specversion\":\"0.3\",\"id\":\"x\",\"source\":\"s\",\"type\":\"t\",\"data\":{}}", new RecordHeaders()))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("specversion");
        assertThatThrownBy(() -> reader.read("{\"specversion\":\"1.0\",\"source\":\"s\",\"type\":\"t\",\"data\":{}}", new RecordHeaders()))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("'/id'");
        assertThatThrownBy(() -> reader.read("{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\",\"type\":\"t\",\"time\":\"yesterday\",\"data\":{}}",
                new RecordHeaders()))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("RFC 3339");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
