package dev.lifeguard.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The event contract in {@code contracts/events/}: one JSON Schema and golden examples per event type,
 * named by CloudEvents type. Producer tests validate what they emit; consumer tests parse the examples.
 */
public final class EventContract {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    /** Draft 2020-12 treats "format" as a note by default; the contract means it (RFC 3339 times). */
    private static final SchemaValidatorsConfig STRICT_FORMATS = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .build();
    /** Compiled once per schema file: producer tests validate many events against the same few schemas. */
    private static final Map<Path, JsonSchema> COMPILED = new ConcurrentHashMap<>();

    private EventContract() {
    }

    /** The repository root: the {@code lifeguard.root} system property, else the nearest parent holding contracts/. */
    public static Path repositoryRoot() {
        String configured = System.getProperty("lifeguard.root");
        if (configured != null && Files.isDirectory(Paths.get(configured, "contracts"))) {
            return Paths.get(configured);
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("contracts/events"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No contracts/events directory above " + Paths.get("").toAbsolutePath());
    }

    public static Path contractsDirectory() {
        return repositoryRoot().resolve("contracts/events");
    }

    /** Schema violations of a structured-mode CloudEvent against the schema of its {@code type}; empty when valid. */
    public static Set<ValidationMessage> violations(String cloudEventJson) {
        JsonNode event = parse(cloudEventJson);
        String type = event.path("type").asText();
        return violations(type, event);
    }

    public static Set<ValidationMessage> violations(String schemaName, JsonNode document) {
        Path schemaFile = contractsDirectory().resolve("schemas").resolve(schemaName + ".json");
        if (!Files.exists(schemaFile)) {
            throw new AssertionError("No schema for '" + schemaName + "' at " + schemaFile);
        }
        return COMPILED.computeIfAbsent(schemaFile, file -> SCHEMAS.getSchema(read(file), STRICT_FORMATS)).validate(document);
    }

    /** The golden examples of a schema name: {@code examples/<name>*.json}. */
    public static List<Path> examples(String schemaName) {
        try (Stream<Path> files = Files.list(contractsDirectory().resolve("examples"))) {
            return files.filter(file -> file.getFileName().toString().startsWith(schemaName))
                    .filter(file -> file.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("Not JSON: " + json, e);
        }
    }

    /**
     * An official CDEvents 0.5.1 conformance example from {@code ../shared/cdevents-v0.5.1/conformance/},
     * or empty where that folder is absent (it is never copied into this repository).
     */
    public static Optional<String> cdEventsConformanceExample(String fileName) {
        Path file = repositoryRoot().resolveSibling("shared").resolve("cdevents-v0.5.1/conformance").resolve(fileName);
        return Files.exists(file) ? Optional.of(read(file)) : Optional.empty();
    }
}
