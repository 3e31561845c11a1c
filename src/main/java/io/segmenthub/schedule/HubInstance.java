package io.segmenthub.schedule;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * This process as the other instances see it: the name it holds the run lease under and writes
 * into the run history. The default name, {@code host:pid}, also lets an instance on the same host
 * tell that a holder has died without waiting for its lease to expire (the quickstart case: a hub
 * killed and started again on one machine).
 */
public final class HubInstance {

    private static final java.util.regex.Pattern HOST_PID = java.util.regex.Pattern.compile("(.+):(\\d+)");

    private final String id;
    private final String host;

    HubInstance(String id, String host) {
        this.id = id;
        this.host = host;
    }

    static HubInstance of(String configuredId) {
        String host = localHost();
        String id = configuredId == null || configuredId.isBlank() ? host + ":" + ProcessHandle.current().pid() : configuredId.strip();
        return new HubInstance(id, host);
    }

    public String id() {
        return id;
    }

    /**
     * True when the holder is named {@code host:pid} for this very host and no process with that
     * pid runs here any more. A pid that was reused by another process counts as alive: the
     * lease then simply expires.
     */
    boolean holderIsGoneFromThisHost(String holder) {
        return pidOnThisHost(holder).map(pid -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)).orElse(false);
    }

    private Optional<Long> pidOnThisHost(String holder) {
        if (holder == null) {
            return Optional.empty();
        }
        Matcher m = HOST_PID.matcher(holder);
        if (!m.matches() || !m.group(1).equals(host)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(m.group(2)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String localHost() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
