package io.segmenthub.system;

import java.nio.file.Path;

/**
 * A config file that cannot be used. The message names the file, the key and the problem, so an
 * IT team can fix it without reading a stack trace.
 */
public class ConfigException extends RuntimeException {

    private final Path file;
    private final String key;
    private final String problem;

    public ConfigException(Path file, String key, String problem) {
        this(file, key, problem, null);
    }

    public ConfigException(Path file, String key, String problem, Throwable cause) {
        super(file + ": " + (key == null || key.isEmpty() ? "" : key + ": ") + problem, cause);
        this.file = file;
        this.key = key;
        this.problem = problem;
    }

    public Path file() {
        return file;
    }

    public String key() {
        return key;
    }

    public String problem() {
        return problem;
    }
}
