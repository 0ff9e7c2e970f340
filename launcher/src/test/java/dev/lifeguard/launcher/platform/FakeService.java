package dev.lifeguard.launcher.platform;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Stands in for a packaged service in tests that start real processes: a JVM that is ready at once on
 * {@code QUARKUS_HTTP_PORT} and answers {@code GET /instance} with its {@code LIFEGUARD_INSTANCE_ID}. Only JDK
 * classes, so that its jar is this one class file.
 */
public final class FakeService {

    private FakeService() {
    }

    public static void main(String[] args) throws IOException {
        String instanceId = System.getenv(PlatformSettings.INSTANCE_ID_VARIABLE);
        HttpServer server = HttpServer.create(new InetSocketAddress(Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT"))), 0);
        server.createContext("/q/health/ready", exchange -> respond(exchange, "{\"status\":\"UP\"}"));
        server.createContext("/instance", exchange -> respond(exchange, instanceId));
        server.start();
    }

    /** Writes {@code <root>/<module>/target/quarkus-app/quarkus-run.jar}, where the launcher looks for the service. */
    static void packageAs(LifeguardService service, Path repositoryRoot) {
        Path jar = PlatformSettings.defaults(repositoryRoot).serviceApp(service);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeService.class.getName());
        String classFile = FakeService.class.getName().replace('.', '/') + ".class";
        try {
            Files.createDirectories(jar.getParent());
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                 InputStream in = FakeService.class.getClassLoader().getResourceAsStream(classFile)) {
                out.putNextEntry(new JarEntry(classFile));
                in.transferTo(out);
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + jar, e);
        }
    }

    private static void respond(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
