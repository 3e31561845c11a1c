package io.segmenthub.system;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad config file into one readable paragraph instead of a stack trace. */
class ConfigFailureAnalyzer extends AbstractFailureAnalyzer<ConfigException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConfigException cause) {
        return new FailureAnalysis("Invalid configuration: " + cause.getMessage(),
                "Fix " + cause.file() + (cause.key() == null || cause.key().isEmpty() ? "" : " at key '" + cause.key() + "'")
                        + " and start the hub again.", null);
    }
}

/** Turns a missing keystore password or unreadable keystore into one readable paragraph. */
class HubStartupFailureAnalyzer extends AbstractFailureAnalyzer<HubStartupException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, HubStartupException cause) {
        return new FailureAnalysis(cause.getMessage(), "See README.md, section 'Configuration'.", null);
    }
}
