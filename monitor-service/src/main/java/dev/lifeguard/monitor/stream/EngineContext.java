package dev.lifeguard.monitor.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.config.MonitorConfig;
import dev.lifeguard.monitor.detector.Detector;
import dev.lifeguard.monitor.event.AnalysisEvents;
import dev.lifeguard.monitor.spec.AnalysisPlan;
import dev.lifeguard.monitor.spec.InvalidSpecException;
import dev.lifeguard.monitor.spec.SpecReader;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What every analysis processor shares: settings, detectors, providers, event builders, metrics and spec parsing. */
@ApplicationScoped
public class EngineContext {

    private static final Logger LOG = Logger.getLogger(EngineContext.class);
    private static final int PARSED_SPECS = 1_000;

    private final MonitorConfig config;
    private final SpecReader specs;
    private final AnalysisEvents events;
    private final EngineMetrics metrics;
    private final ObjectMapper mapper;
    /** Parsed plans by spec text: deployments of one target reuse the parse. Shared by stream threads. */
    private final Map<String, AnalysisPlan> parsed = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AnalysisPlan> eldest) {
            return size() > PARSED_SPECS;
        }
    });

    public EngineContext(MonitorConfig config, SpecReader specs, AnalysisEvents events, EngineMetrics metrics,
                         ObjectMapper mapper) {
        this.config = config;
        this.specs = specs;
        this.events = events;
        this.metrics = metrics;
        this.mapper = mapper;
    }

    public MonitorConfig config() {
        return config;
    }

    public AnalysisEvents events() {
        return events;
    }

    public EngineMetrics metrics() {
        return metrics;
    }

    public Detector detector(String name) {
        return specs.detector(name);
    }

    public boolean pulls(String provider) {
        return specs.provider(provider).pulls();
    }

    /**
     * The plan for a target from its record on the specs topic (a spec-changed CloudEvent whose {@code data.customData.spec} is
     * the spec, or null once deleted); the default spec when there is none. A spec the REST side accepted is valid;
     * one that is not (written by hand to the topic) falls back to the default, loudly.
     */
    public AnalysisPlan plan(String specRecord) {
        if (specRecord == null) {
            return specs.defaultPlan();
        }
        AnalysisPlan plan = parsed.get(specRecord);
        if (plan != null) {
            return plan;
        }
        try {
            JsonNode spec = mapper.readTree(specRecord).at("/data/customData/spec");
            plan = spec.isObject() ? specs.read(spec) : specs.defaultPlan();
        } catch (IOException | InvalidSpecException e) {
            LOG.errorf("Unusable analysis spec on the specs topic (%s): the default spec applies", e.getMessage());
            plan = specs.defaultPlan();
        }
        parsed.put(specRecord, plan);
        return plan;
    }

    /** A sample as the metric-sample contract writes it, for the dead-letter topic. */
    public String sampleJson(String target, TargetSample sample) {
        ObjectNode json = mapper.createObjectNode();
        int slash = target.indexOf('/');
        json.put("service", target.substring(0, slash));
        json.put("environment", target.substring(slash + 1));
        json.put("version", sample.version());
        json.put("metric", sample.metric());
        if (sample.value() != null) {
            json.put("value", sample.value());
        }
        json.put("timestamp", Instant.ofEpochMilli(sample.at()).toString());
        if (sample.source() != null) {
            json.put("source", sample.source());
        }
        return json.toString();
    }
}
