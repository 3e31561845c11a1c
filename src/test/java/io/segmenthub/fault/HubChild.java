package io.segmenthub.fault;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged hub ({@code target/segment-hub.jar}) as a child process over a {@link FaultWorld}:
 * its own config, data and output folders, a free port, the keystore password in its environment,
 * its output captured to a file. Asks {@code /api/runs/current} (as the world's admin) which stage
 * the run is in, and can be killed as {@code kill -9} does ({@link Process#destroyForcibly()}).
 */
final class HubChild implements AutoCloseable {

    private static final Pattern STAGE = Pattern.compile("\"stage\"\\s*:\\s*\"([a-z]+)\"");

    final Process process;
    final int port;
    final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HubChild(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static Path jar() {
        return Path.of("target", "segment-hub.jar").toAbsolutePath();
    }

    /** Starts the hub with one sync at start ({@code --sync-now}); it keeps serving the API afterwards. */
    static HubChild start(FaultWorld world, String password, int attempt) throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path log = world.root.resolve("hub-" + attempt + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-jar", jar().toString(), "--sync-now",
                "--config=" + world.config.toAbsolutePath(),
                "--segmenthub.data-dir=" + world.data.toAbsolutePath(),
                "--segmenthub.routes-dir=" + Path.of("routes").toAbsolutePath()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(world.root.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SEGMENT_HUB_KEYSTORE_PASSWORD", password);
        builder.environment().put("SEGMENT_HUB_PORT", String.valueOf(port));
        builder.environment().remove("SPRING_PROFILES_ACTIVE");
        return new HubChild(builder.start(), port, log);
    }

    /** The stage of the run in progress, if the API answers and a run is in progress. */
    Optional<String> stage() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/runs/current"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:admin-demo".getBytes(StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 500) {
                // not "no run": a broken progress API must not pass for a finished run
                throw new AssertionError("GET /api/runs/current answered " + response.statusCode() + ": " + response.body());
            }
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            Matcher m = STAGE.matcher(response.body());
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** kill -9: no shutdown hook, no finally block, no flush runs in the hub. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
