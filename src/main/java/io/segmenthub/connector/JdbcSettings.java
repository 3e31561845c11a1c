package io.segmenthub.connector;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;

/**
 * A database source. {@code query} selects the rows and may use the named parameter
 * {@code :watermark}, bound to the last committed value of {@code watermarkColumn} (a timestamp,
 * or a number with {@code watermarkType: number}). {@code initScript} seeds an empty database
 * once (the quickstart's ERP).
 */
public record JdbcSettings(
        @NotBlank String url,
        String username,
        String password,
        @NotBlank String query,
        String watermarkColumn,
        WatermarkType watermarkType,
        String initScript,
        @Positive Integer fetchSize) {

    public enum WatermarkType { TIMESTAMP, NUMBER }

    public WatermarkType watermarkTypeOrDefault() {
        return watermarkType == null ? WatermarkType.TIMESTAMP : watermarkType;
    }

    public int fetchSizeOrDefault() {
        return fetchSize == null ? 500 : fetchSize;
    }
}
