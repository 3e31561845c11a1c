package io.segmenthub.connector;

/** CSV (RFC 4180 with a header row), a JSON array of objects, or JSON Lines (one object per line). */
public enum FileFormat {
    CSV, JSON, JSONL
}
