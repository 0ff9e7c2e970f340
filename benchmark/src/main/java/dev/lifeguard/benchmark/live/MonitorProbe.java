package dev.lifeguard.benchmark.live;

import dev.lifeguard.benchmark.footprint.ProcFiles;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/** Reads a monitor-service instance from outside: its Prometheus metrics and its process' resident memory. */
final class MonitorProbe {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String url;
    private final OptionalLong pid;

    MonitorProbe(String url, OptionalLong pid) {
        this.url = url;
        this.pid = pid;
    }

    String url() {
        return url;
    }

    /** {@code lifeguard_monitor_samples_total{outcome="..."}}; NaN when the instance does not answer. */
    double samples(String outcome) {
        return sum(metrics(), "lifeguard_monitor_samples_total{", "outcome=\"" + outcome + "\"");
    }

    /** {@code jvm_memory_used_bytes{area="heap"}} summed over the heap's pools. */
    double heapUsedBytes() {
        return sum(metrics(), "jvm_memory_used_bytes{", "area=\"heap\"");
    }

    /** VmRSS of the instance's process, in bytes; -1 when unknown. */
    long residentBytes() {
        if (pid.isEmpty()) {
            return -1;
        }
        return ProcFiles.rssBytesOf(pid.getAsLong()).orElse(-1);
    }

    OptionalLong pid() {
        return pid;
    }

    /** A full GC through jcmd (same user, the JDK running the benchmark), so that heap used means live data. */
    boolean fullGc() {
        if (pid.isEmpty()) {
            return false;
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return false;
        }
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid.getAsLong()), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String metrics() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10)).header("Accept", "text/plain").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    static double sum(String metrics, String prefix, String label) {
        double sum = 0;
        boolean found = false;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(prefix) && line.contains(label)) {
                // name{labels} value [timestamp]
                sum += Double.parseDouble(valueOf(line));
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }

    private static String valueOf(String line) {
        String afterLabels = line.substring(line.lastIndexOf('}') + 1).trim();
        return afterLabels.split("\\s+")[0];
    }
}
