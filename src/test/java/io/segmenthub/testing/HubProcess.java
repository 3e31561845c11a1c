package io.segmenthub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hub started from the packaged jar ({@code target/segment-hub.jar}) as a child process, for
 * tests that need several hubs at once or must kill one the hard way ({@link #kill()} is SIGKILL,
 * what {@code kill -9} does). Output goes to {@code <name>.log} in the given folder. Used by
 * failsafe {@code *IT} tests, which run after {@code package} built the jar.
 */
public final class HubProcess implements AutoCloseable {

    private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

    private final String name;
    private final Process process;
    private final Path log;

    private HubProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** The jar {@code mvn package} built; a clear failure when it is missing. */
    public static Path jar() {
        Path jar = Path.of("target", "segment-hub.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the test with 'mvn verify' (failsafe runs after package)");
        }
        return jar;
    }

    /**
     * Starts {@code java -jar segment-hub.jar args...} in {@code workDir} with the environment
     * variables in {@code env} added to this JVM's. JVM flags favour a quick start on small machines.
     */
    public static HubProcess start(String name, Path workDir, List<String> args, Map<String, String> env) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar().toString()));
        command.addAll(args);
        try {
            Files.createDirectories(workDir);
            Path log = workDir.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(env);
            return new HubProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start hub " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process printed so far. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the log contains {@code text}; fails with the log's tail when the process exits or time runs out. */
    public void awaitLog(String text, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!log().contains(text)) {
            if (!process.isAlive()) {
                throw new AssertionError("hub " + name + " exited (code " + process.exitValue() + ") before logging '" + text + "':\n" + tail());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("hub " + name + " did not log '" + text + "' within " + timeout + ":\n" + tail());
            }
            sleep(200);
        }
    }

    /** The HTTP port the hub listens on (start it with {@code --server.port=0}); waits for Tomcat. */
    public int port(Duration timeout) {
        awaitLog("Tomcat started on port", timeout);
        Matcher m = PORT.matcher(log());
        if (!m.find()) {
            throw new AssertionError("hub " + name + ": no port in its log");
        }
        return Integer.parseInt(m.group(1));
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook, no graceful stop, no lease release. */
    public void kill() {
        process.destroyForcibly();
        await(Duration.ofSeconds(30));
    }

    /** SIGTERM: the graceful stop a service manager does; SIGKILL if it takes longer than the timeout. */
    public void stop(Duration timeout) {
        process.destroy();
        if (!await(timeout)) {
            kill();
        }
    }

    /** The last 60 lines of the log, for failure messages. */
    public String tail() {
        List<String> lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private boolean await(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
