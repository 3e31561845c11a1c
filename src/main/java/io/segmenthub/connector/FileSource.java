package io.segmenthub.connector;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.pipeline.SourceBatch;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.system.HubConfig;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads a file connector: one fixed file (skipped when its content has not changed since the last
 * successful run) or a drop folder (files moved to {@code .done/} after the run that read them
 * succeeded). CSV, JSON array and JSON Lines are streamed; a malformed row is quarantined, and a
 * file that breaks mid-way quarantines the rest of itself, while the run goes on.
 */
@Component
public class FileSource {

    private static final Logger log = LoggerFactory.getLogger(FileSource.class);

    private final HubConfig config;
    private final ObjectMapper json;
    private final Watermarks watermarks;

    public FileSource(HubConfig config, ObjectMapper json, Watermarks watermarks) {
        this.config = config;
        this.json = json;
        this.watermarks = watermarks;
    }

    public Iterator<SourceBatch> open(SyncRun run, String connectorId) {
        ConnectorConfig connector = config.connector(connectorId);
        FileSettings settings = connector.file();
        Path path = Path.of(settings.path());
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + settings.patternOrDefault());
            try (Stream<Path> listing = Files.list(path)) {
                listing.filter(Files::isRegularFile).filter(p -> matcher.matches(p.getFileName())).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new ConnectorException("connector '" + connectorId + "': cannot list " + path + ": " + e.getMessage(), e);
            }
            Path done = path.resolve(".done");
            for (Path file : files) {
                run.afterSuccess(() -> moveTo(file, done));
            }
        } else if (Files.isRegularFile(path)) {
            String digest = digest(path, connectorId);
            if (watermarks.get(connectorId).filter(digest::equals).isPresent()) {
                log.info("run={} connector={} file unchanged since the last successful run, skipped", run.id(), connectorId);
                run.report().connector(connectorId);
                return Collections.emptyIterator();
            }
            run.advanceWatermark(connectorId, digest);
            files.add(path);
        } else {
            throw new ConnectorException("connector '" + connectorId + "': " + path + " does not exist");
        }
        var mapper = new RecordMapper(connector, config.purposes().keySet(), run.startedAt(), config.tcfConsent());
        var rows = new FileRows(files, settings.format(), connectorId);
        var batches = new SourceBatches(connectorId, rows, mapper, connector.batchSizeOrDefault(), row -> Optional.empty(), rows);
        return settings.format() == FileFormat.JSONL ? batches.parsing(this::parseJsonLine) : batches;
    }

    private static void moveTo(Path file, Path folder) {
        try {
            Files.createDirectories(folder);
            Files.move(file, folder.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move processed file " + file + " to " + folder, e);
        }
    }

    private static String digest(Path file, String connectorId) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return "sha256:" + HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new ConnectorException("connector '" + connectorId + "': cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** An iterator that reads one row ahead: subclasses say how to read the next row, or null at the end. */
    private abstract static class LookaheadRows implements Iterator<SourceRow> {
        private SourceRow pending;

        protected abstract SourceRow read();

        @Override
        public final boolean hasNext() {
            if (pending == null) {
                pending = read();
            }
            return pending != null;
        }

        @Override
        public final SourceRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            SourceRow row = pending;
            pending = null;
            return row;
        }
    }

    /** Rows of several files in order, read lazily, one open file at a time. */
    private final class FileRows extends LookaheadRows implements Closeable {
        private final Iterator<Path> files;
        private final FileFormat format;
        private final String connectorId;
        private Iterator<SourceRow> current = Collections.emptyIterator();
        private Closeable open = () -> { };

        FileRows(List<Path> files, FileFormat format, String connectorId) {
            this.files = files.iterator();
            this.format = format;
            this.connectorId = connectorId;
        }

        @Override
        protected SourceRow read() {
            while (true) {
                if (current.hasNext()) {
                    return notUtf8Quarantined(current.next());
                }
                closeCurrent();
                if (!files.hasNext()) {
                    return null;
                }
                openNext(files.next());
            }
        }

        private void openNext(Path file) {
            try {
                // Bytes that are not UTF-8 (a Latin-1 export appended to a UTF-8 file) decode to U+FFFD instead of
                // failing the whole file: the rows that hold them are quarantined one by one below.
                Reader reader = withoutBom(new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                                .onUnmappableCharacter(CodingErrorAction.REPLACE))));
                open = reader;
                String name = file.getFileName().toString();
                current = switch (format) {
                    case JSONL -> new JsonLines(name, new BufferedReader(reader));
                    case JSON -> new JsonArray(name, reader);
                    case CSV -> new CsvRows(name, reader);
                };
            } catch (IOException e) {
                throw new ConnectorException("connector '" + connectorId + "': cannot open " + file + ": " + e.getMessage(), e);
            }
        }

        private void closeCurrent() {
            try {
                open.close();
            } catch (IOException e) {
                log.warn("connector={} closing a file failed: {}", connectorId, e.getMessage());
            }
            open = () -> { };
            current = Collections.emptyIterator();
        }

        @Override
        public void close() {
            closeCurrent();
        }
    }

    static final String NOT_UTF8 = "row holds bytes that are not valid UTF-8 (or the replacement character U+FFFD); "
            + "is the file saved in another encoding?";

    /** A row with undecodable bytes is quarantined rather than stored with its letters replaced. */
    private static SourceRow notUtf8Quarantined(SourceRow row) {
        return row.unreadable().isEmpty() && row.raw().indexOf('\uFFFD') >= 0
                ? SourceRow.unreadable(row.ref(), NOT_UTF8, row.raw()) : row;
    }

    private static Reader withoutBom(BufferedReader reader) throws IOException {
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
        return reader;
    }

    /**
     * One JSON object per line; a line that does not parse is quarantined alone. The reader only
     * splits the file into lines: each comes out with its text and no fields, and
     * {@link #parseJsonLine} parses it on the mapping threads.
     */
    private final class JsonLines extends LookaheadRows {
        private final String name;
        private final BufferedReader reader;
        private int number;

        JsonLines(String name, BufferedReader reader) {
            this.name = name;
            this.reader = reader;
        }

        @Override
        protected SourceRow read() {
            String text;
            try {
                do {
                    text = reader.readLine();
                    if (text == null) {
                        return null;
                    }
                    number++;
                } while (text.isBlank());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new SourceRow(name + " line " + number, Map.of(), text);
        }
    }

    /** A line of JSON Lines as {@link JsonLines} read it, parsed into its fields (straight into a map, not through a tree). */
    @SuppressWarnings("unchecked")
    private SourceRow parseJsonLine(SourceRow line) {
        if (line.unreadable().isPresent()) {
            return line;
        }
        try {
            Object value = json.readValue(line.raw(), Object.class);
            return value instanceof Map<?, ?> fields ? new SourceRow(line.ref(), (Map<String, Object>) fields, line.raw())
                    : SourceRow.unreadable(line.ref(), "line is not a JSON object", line.raw());
        } catch (IOException e) {
            return SourceRow.unreadable(line.ref(), "line is not valid JSON", line.raw());
        }
    }

    /** A JSON array of objects, streamed element by element. */
    private final class JsonArray extends LookaheadRows {
        private final String name;
        private final Reader reader;
        private JsonParser parser;
        private int index;
        private boolean finished;

        JsonArray(String name, Reader reader) {
            this.name = name;
            this.reader = reader;
        }

        @Override
        protected SourceRow read() {
            if (finished) {
                return null;
            }
            try {
                if (parser == null) {
                    parser = json.getFactory().createParser(reader);
                    if (parser.nextToken() != JsonToken.START_ARRAY) {
                        finished = true;
                        return SourceRow.unreadable(name, "file is not a JSON array", "");
                    }
                }
                JsonToken token = parser.nextToken();
                if (token == JsonToken.END_ARRAY || token == null) {
                    finished = true;
                    return null;
                }
                JsonNode node = json.readTree(parser);
                index++; // counted once read, so a failure above names this element, not the one after it
                String ref = name + " element " + index;
                return node.isObject()
                        ? new SourceRow(ref, toMap(node), node.toString())
                        : SourceRow.unreadable(ref, "element is not a JSON object", node.toString());
            } catch (IOException e) {
                finished = true;
                return SourceRow.unreadable(name + " from element " + (index + 1),
                        "file is not valid JSON from this element on; the rest of the file was not read", "");
            }
        }
    }

    /** RFC 4180 CSV with a header row; a row with the wrong number of columns is quarantined. */
    private static final class CsvRows implements Iterator<SourceRow> {
        private final String name;
        private final Iterator<CSVRecord> records;
        private final List<String> header;
        private boolean broken;
        private boolean breakToReport;

        CsvRows(String name, Reader reader) throws IOException {
            this.name = name;
            CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                    .setIgnoreEmptyLines(true).setTrim(false).get().parse(reader);
            this.header = parser.getHeaderNames();
            this.records = parser.iterator();
        }

        @Override
        public boolean hasNext() {
            if (breakToReport) {
                return true;
            }
            try {
                return !broken && records.hasNext();
            } catch (UncheckedIOException | IllegalStateException e) {
                // the parser reads ahead in hasNext(), so a break surfaces here: hand it out as one more row
                broken = true;
                breakToReport = true;
                return true;
            }
        }

        @Override
        public SourceRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            if (breakToReport) {
                breakToReport = false;
                return malformedFromHere();
            }
            CSVRecord record;
            try {
                record = records.next();
            } catch (UncheckedIOException | IllegalStateException e) {
                broken = true;
                return malformedFromHere();
            }
            // record numbers do not count the header row, which is line 1 (exact unless a quoted field spans lines)
            String ref = name + " line " + (record.getRecordNumber() + 1);
            String raw = String.join(",", record.values());
            if (record.size() != header.size()) {
                return SourceRow.unreadable(ref, "row has " + record.size() + " columns, the header has " + header.size(), raw);
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                fields.put(header.get(i), record.get(i));
            }
            return new SourceRow(ref, fields, raw);
        }

        private SourceRow malformedFromHere() {
            return SourceRow.unreadable(name, "CSV is malformed from here on (unbalanced quotes?); the rest of the file was not read", "");
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> toMap(JsonNode node) {
        return json.convertValue(node, Map.class);
    }
}
