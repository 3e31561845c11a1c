package io.segmenthub.system;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.ConnectorKind;
import io.segmenthub.connector.ConnectorType;
import io.segmenthub.connector.DestinationConfig;
import io.segmenthub.consent.Purpose;
import io.segmenthub.profile.Attribute;
import io.segmenthub.segment.SegmentDefinition;
import io.segmenthub.segment.SegmentRule;
import io.segmenthub.segment.SegmentRuleException;
import io.segmenthub.segment.TagDefinition;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import org.quartz.CronExpression;
import org.springframework.core.env.PropertyResolver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the config folder ({@code hub.yml}, {@code connectors.yml}, {@code purposes.yml},
 * {@code segments.yml}), resolves {@code ${ENV_VAR:default}} placeholders in values, binds typed
 * records, validates them and cross-checks references. Every failure is a {@link ConfigException}
 * naming the file, the key and the problem.
 */
public final class HubConfigLoader {

    static final String HUB = "hub.yml";
    static final String CONNECTORS = "connectors.yml";
    static final String PURPOSES = "purposes.yml";
    static final String SEGMENTS = "segments.yml";

    private static final Set<String> DESTINATION_FIELDS_BEYOND_ATTRIBUTES = Set.of("golden_id", "external_id", "segment_id");

    private final YAMLMapper yaml = YAMLMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private final JsonMapper binder = JsonMapper.builder()
            .findAndAddModules()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private final PropertyResolver placeholders;
    private final Validator validator;

    public HubConfigLoader(PropertyResolver placeholders, Validator validator) {
        this.placeholders = placeholders;
        this.validator = validator;
    }

    // @Valid cascades the validator into the sections; without it only the file record itself is checked.
    record HubFile(@Valid HubSettings hub, List<@Valid SyncSchedule> syncs) { }

    record ConnectorsFile(List<@Valid ConnectorConfig> connectors, List<@Valid DestinationConfig> destinations) { }

    record PurposesFile(List<@Valid Purpose> purposes) { }

    record SegmentsFile(List<@Valid SegmentDefinition> segments, List<@Valid TagDefinition> tags) { }

    public HubConfig load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(dir, "", "config folder not found (set --config=DIR or run from the folder that holds config/)");
        }
        HubFile hub = read(dir.resolve(HUB), HubFile.class);
        ConnectorsFile connectors = read(dir.resolve(CONNECTORS), ConnectorsFile.class);
        PurposesFile purposes = read(dir.resolve(PURPOSES), PurposesFile.class);
        SegmentsFile segments = read(dir.resolve(SEGMENTS), SegmentsFile.class);
        require(dir.resolve(HUB), "hub", hub.hub());
        HubConfig config = new HubConfig(dir,
                hub.hub(),
                orEmpty(hub.syncs()),
                orEmpty(connectors.connectors()),
                orEmpty(connectors.destinations()),
                orEmpty(purposes.purposes()).stream().collect(Collectors.toMap(Purpose::id, Function.identity(),
                        (a, b) -> { throw new ConfigException(dir.resolve(PURPOSES), "purposes", "purpose '" + a.id() + "' is declared twice"); },
                        LinkedHashMap::new)),
                orEmpty(segments.segments()),
                orEmpty(segments.tags()));
        crossCheck(config);
        return config;
    }

    <T> T read(Path file, Class<T> type) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file, "", "file not found");
        }
        JsonNode tree;
        try {
            tree = yaml.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            var where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException(file, "", "not valid YAML" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(file, "", "cannot be read: " + e.getMessage());
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            tree = binder.createObjectNode();
        }
        resolvePlaceholders(file, tree, "");
        T bound;
        try {
            bound = binder.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(file, path(e), "unknown key '" + e.getPropertyName() + "'"
                    + (e.getKnownPropertyIds() == null ? "" : "; known keys: " + e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "))));
        } catch (InvalidFormatException e) {
            var expected = e.getTargetType() != null && e.getTargetType().isEnum()
                    ? "one of " + Arrays.stream(e.getTargetType().getEnumConstants())
                    .map(c -> c.toString().toLowerCase(java.util.Locale.ROOT)).collect(Collectors.joining(", "))
                    : "a " + (e.getTargetType() == null ? "different value" : e.getTargetType().getSimpleName());
            throw new ConfigException(file, path(e), "'" + e.getValue() + "' is not valid; expected " + expected);
        } catch (JsonMappingException e) {
            throw new ConfigException(file, path(e), e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigException(file, "", e.getOriginalMessage());
        }
        var violations = validator.validate(bound);
        if (!violations.isEmpty()) {
            ConstraintViolation<T> first = violations.stream()
                    .min(Comparator.comparing(v -> v.getPropertyPath().toString())).orElseThrow();
            throw new ConfigException(file, kebab(first.getPropertyPath().toString()), first.getMessage());
        }
        return bound;
    }

    /** Replaces ${NAME:default} in string values only, so a secret can come from the environment. */
    private void resolvePlaceholders(Path file, JsonNode node, String at) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
            fields.forEachRemaining(entries::add);
            for (var entry : entries) {
                String key = at.isEmpty() ? entry.getKey() : at + "." + entry.getKey();
                if (entry.getValue() instanceof TextNode text) {
                    object.put(entry.getKey(), resolve(file, key, text.textValue()));
                } else {
                    resolvePlaceholders(file, entry.getValue(), key);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String key = at + "[" + i + "]";
                if (array.get(i) instanceof TextNode text) {
                    array.set(i, TextNode.valueOf(resolve(file, key, text.textValue())));
                } else {
                    resolvePlaceholders(file, array.get(i), key);
                }
            }
        }
    }

    private String resolve(Path file, String key, String value) {
        if (!value.contains("${")) {
            return value;
        }
        try {
            return placeholders.resolveRequiredPlaceholders(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, key, "refers to an environment variable or property that is not set (" + e.getMessage() + ")");
        }
    }

    private void crossCheck(HubConfig config) {
        Path dir = config.dir();
        Path hubFile = dir.resolve(HUB);
        Path connectorsFile = dir.resolve(CONNECTORS);
        Path segmentsFile = dir.resolve(SEGMENTS);

        for (int i = 0; i < config.hub().personalData().size(); i++) {
            String key = config.hub().personalData().get(i);
            if (Attribute.fromKey(key).isEmpty()) {
                throw new ConfigException(hubFile, "hub.personal-data[" + i + "]", "unknown attribute '" + key + "'; known: " + attributeKeys());
            }
        }
        unique(connectorsFile, "connectors", config.connectors().stream().map(ConnectorConfig::id).toList());
        unique(connectorsFile, "destinations", config.destinations().stream().map(DestinationConfig::id).toList());
        unique(segmentsFile, "segments", config.segments().stream().map(SegmentDefinition::id).toList());
        unique(segmentsFile, "tags", config.tags().stream().map(TagDefinition::id).toList());
        for (int i = 0; i < config.tags().size(); i++) {
            if (config.segmentsById().containsKey(config.tags().get(i).id())) {
                // tags and segments share membership, history and pushed file names: one id, one list
                throw new ConfigException(segmentsFile, "tags[" + i + "].id", "'" + config.tags().get(i).id() + "' is already a segment id");
            }
        }
        unique(hubFile, "syncs", config.syncs().stream().map(SyncSchedule::id).toList());

        for (int i = 0; i < config.connectors().size(); i++) {
            checkConnector(config, connectorsFile, "connectors[" + i + "]", config.connectors().get(i));
        }
        Set<String> segmentIds = config.segmentsById().keySet();
        for (int i = 0; i < config.destinations().size(); i++) {
            DestinationConfig d = config.destinations().get(i);
            String at = "destinations[" + i + "]";
            purposeExists(config, connectorsFile, at + ".purpose", d.purpose());
            if (d.type() == DestinationConfig.DestinationType.FILE && d.file() == null) {
                throw new ConfigException(connectorsFile, at + ".file", "a file destination needs file settings (dir)");
            }
            if (d.type() == DestinationConfig.DestinationType.JDBC && d.jdbc() == null) {
                throw new ConfigException(connectorsFile, at + ".jdbc", "a jdbc destination needs jdbc settings (url, table)");
            }
            io.segmenthub.connector.salesforce.SalesforceConfigCheck.destination(connectorsFile, at, d, config.connectors(),
                    Set.copyOf(java.util.stream.Stream.concat((d.segments().isEmpty() ? segmentIds : d.segments()).stream(),
                            d.tags().stream()).toList()));
            if (d.type() == DestinationConfig.DestinationType.HTTP && (d.http() == null || d.system() == null)) {
                throw new ConfigException(connectorsFile, at + (d.http() == null ? ".http" : ".system"), d.http() == null
                        ? "an http destination needs http settings (base-url, request)"
                        : "an http destination writes onto its system's own records: name that system");
            }
            for (int s = 0; s < d.segments().size(); s++) {
                if (!segmentIds.contains(d.segments().get(s))) {
                    throw new ConfigException(connectorsFile, at + ".segments[" + s + "]", "unknown segment '" + d.segments().get(s) + "'"
                            + (config.tagsById().containsKey(d.segments().get(s)) ? " (it is a tag: list it under tags)" : ""));
                }
            }
            for (int t = 0; t < d.tags().size(); t++) {
                if (!config.tagsById().containsKey(d.tags().get(t))) {
                    throw new ConfigException(connectorsFile, at + ".tags[" + t + "]", "unknown tag '" + d.tags().get(t) + "'"
                            + (segmentIds.contains(d.tags().get(t)) ? " (it is a segment: list it under segments)" : ""));
                }
            }
            for (int f = 0; f < d.fields().size(); f++) {
                String field = d.fields().get(f);
                if (!DESTINATION_FIELDS_BEYOND_ATTRIBUTES.contains(field) && Attribute.fromKey(field).isEmpty()) {
                    throw new ConfigException(connectorsFile, at + ".fields[" + f + "]", "unknown field '" + field
                            + "'; use golden_id, external_id, segment_id or an attribute: " + attributeKeys());
                }
            }
        }
        for (int i = 0; i < config.segments().size(); i++) {
            SegmentDefinition s = config.segments().get(i);
            purposeExists(config, segmentsFile, "segments[" + i + "].purpose", s.purpose());
            try {
                SegmentRule.compile(s.rule());
            } catch (SegmentRuleException e) {
                throw new ConfigException(segmentsFile, "segments[" + i + "].rule", "not a valid CEL rule: " + e.getMessage());
            }
        }
        for (int i = 0; i < config.tags().size(); i++) {
            TagDefinition t = config.tags().get(i);
            purposeExists(config, segmentsFile, "tags[" + i + "].purpose", t.purpose());
            try {
                SegmentRule.compile(t.rule());
            } catch (SegmentRuleException e) {
                throw new ConfigException(segmentsFile, "tags[" + i + "].rule", "not a valid CEL rule: " + e.getMessage());
            }
        }
        Set<String> connectorIds = new HashSet<>(config.connectors().stream().map(ConnectorConfig::id).toList());
        Set<String> destinationIds = new HashSet<>(config.destinations().stream().map(DestinationConfig::id).toList());
        for (int i = 0; i < config.syncs().size(); i++) {
            SyncSchedule sync = config.syncs().get(i);
            String at = "syncs[" + i + "]";
            if (!CronExpression.isValidExpression(sync.cron())) {
                throw new ConfigException(hubFile, at + ".cron", "'" + sync.cron()
                        + "' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g. '0 0 2 * * ?')");
            }
            for (int c = 0; c < sync.connectors().size(); c++) {
                if (!connectorIds.contains(sync.connectors().get(c))) {
                    throw new ConfigException(hubFile, at + ".connectors[" + c + "]", "unknown connector '" + sync.connectors().get(c) + "'");
                }
            }
            for (int d = 0; d < sync.destinations().size(); d++) {
                if (!destinationIds.contains(sync.destinations().get(d))) {
                    throw new ConfigException(hubFile, at + ".destinations[" + d + "]", "unknown destination '" + sync.destinations().get(d) + "'");
                }
            }
        }
        checkClustering(hubFile, config.hub().scoring().clustering());
        var fx = config.hub().scoring().fxRates();
        fx.forEach((currency, rate) -> {
            if (!currency.matches("[A-Z]{3}") || rate.signum() <= 0) {
                throw new ConfigException(hubFile, "hub.scoring.fx-rates." + currency, "needs an ISO 4217 code and a positive rate");
            }
        });
    }

    private static void checkClustering(Path file, HubSettings.Scoring.Clustering clustering) {
        String at = "hub.scoring.clustering";
        int max = HubSettings.Scoring.Clustering.MAX_K;
        if (clustering.k() != null && !clustering.k().equals("auto")) {
            String k = clustering.k().strip();
            if (!k.matches("[0-9]{1,3}") || Integer.parseInt(k) < 2 || Integer.parseInt(k) > max) {
                throw new ConfigException(file, at + ".k", "'" + clustering.k() + "' is not valid; use auto or a number of clusters from 2 to " + max);
            }
        }
        List<Integer> range = clustering.kRange();
        if (range.size() != 2 || range.stream().anyMatch(java.util.Objects::isNull) || range.get(0) < 2 || range.get(1) > max || range.get(0) > range.get(1)) {
            throw new ConfigException(file, at + ".k-range", range + " is not valid; use [lowest, highest] with 2 <= lowest <= highest <= " + max);
        }
        var features = clustering.features();
        if (features.isEmpty()) {
            throw new ConfigException(file, at + ".features", "needs at least one of " + Arrays.stream(io.segmenthub.segment.cluster.ClusterFeature.values())
                    .map(Object::toString).collect(Collectors.joining(", ")));
        }
        for (int i = 0; i < features.size(); i++) {
            if (features.get(i) == null) {
                throw new ConfigException(file, at + ".features[" + i + "]", "is empty");
            }
            if (features.indexOf(features.get(i)) != i) {
                throw new ConfigException(file, at + ".features[" + i + "]", "'" + features.get(i) + "' is listed twice");
            }
        }
    }

    private void checkConnector(HubConfig config, Path file, String at, ConnectorConfig c) {
        if (c.kindOrDefault() == ConnectorKind.PERSON || c.purpose() != null) {
            if (c.purpose() == null || c.purpose().isBlank()) {
                throw new ConfigException(file, at + ".purpose", "must name the purpose the data was collected for (see " + PURPOSES + ")");
            }
            purposeExists(config, file, at + ".purpose", c.purpose());
        }
        if (c.type() == ConnectorType.FILE && c.file() == null) {
            throw new ConfigException(file, at + ".file", "a file connector needs file settings (path, format)");
        }
        if (c.type() == ConnectorType.JDBC && c.jdbc() == null) {
            throw new ConfigException(file, at + ".jdbc", "a jdbc connector needs jdbc settings (url, query)");
        }
        io.segmenthub.connector.salesforce.SalesforceConfigCheck.connector(file, at, c);
        if (c.type() == ConnectorType.HTTP && c.http() == null) {
            throw new ConfigException(file, at + ".http", "an http connector needs http settings (base-url, request, records)");
        }
        var mapping = c.mapping();
        if (c.kindOrDefault() == ConnectorKind.CONSENT) {
            if (mapping.consentEvent() == null) {
                throw new ConfigException(file, at + ".mapping.consent-event", "a consent connector needs a consent-event mapping");
            }
            if (mapping.consentEvent().email() == null && mapping.consentEvent().phone() == null) {
                throw new ConfigException(file, at + ".mapping.consent-event", "needs an email or a phone field to identify the subject");
            }
            return;
        }
        if (mapping.id() == null || mapping.id().isBlank()) {
            throw new ConfigException(file, at + ".mapping.id", "must name the field that holds the record's id");
        }
        mapping.identity().keySet().forEach(key -> {
            if (Attribute.fromKey(key).isEmpty()) {
                throw new ConfigException(file, at + ".mapping.identity." + key, "unknown attribute; known: " + attributeKeys());
            }
        });
        mapping.consent().keySet().forEach(purpose -> purposeExists(config, file, at + ".mapping.consent." + purpose, purpose));
    }

    private static void purposeExists(HubConfig config, Path file, String key, String purpose) {
        if (!config.purposes().containsKey(purpose)) {
            throw new ConfigException(file, key, "unknown purpose '" + purpose + "'; declared in "
                    + PURPOSES + ": " + String.join(", ", config.purposes().keySet()));
        }
    }

    private static void unique(Path file, String key, List<String> ids) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (!seen.add(ids.get(i))) {
                throw new ConfigException(file, key + "[" + i + "].id", "'" + ids.get(i) + "' is used twice");
            }
        }
    }

    private static void require(Path file, String key, Object value) {
        if (value == null) {
            throw new ConfigException(file, key, "is required");
        }
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String attributeKeys() {
        return Arrays.stream(Attribute.values()).map(Attribute::key).collect(Collectors.joining(", "));
    }

    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            }
        }
        return out.toString();
    }

    /** Validator paths use Java names (batchSize); the files use kebab-case (batch-size). */
    private static String kebab(String javaPath) {
        return javaPath.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
