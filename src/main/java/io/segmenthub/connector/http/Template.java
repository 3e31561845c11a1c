package io.segmenthub.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.segmenthub.connector.ConnectorException;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code {{name}}} templates in connector config (the config loader already took {@code ${ENV}}
 * for secrets, so the two never clash). In a JSON body, a string that is exactly one template is
 * replaced by the value with its JSON type (a number stays a number, a list of records becomes an
 * array), and an object member whose value is null is left out (a first page has no last id).
 * Inside longer strings values are inserted as text. An unknown name is a config error.
 */
final class Template {

    private static final Pattern VAR = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.]+)\\s*}}");

    private final ObjectMapper json;

    Template(ObjectMapper json) {
        this.json = json;
    }

    String text(String template, Map<String, Object> vars) {
        if (template == null) {
            return null;
        }
        Matcher m = VAR.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object value = lookup(m.group(1), vars);
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value instanceof JsonNode n && !n.isValueNode()
                    ? n.toString() : value instanceof JsonNode n ? n.asText() : value.toString()));
        }
        m.appendTail(out);
        return out.toString();
    }

    JsonNode json(JsonNode template, Map<String, Object> vars) {
        if (template == null) {
            return null;
        }
        if (template.isTextual()) {
            Matcher m = VAR.matcher(template.textValue());
            if (m.matches()) {
                Object value = lookup(m.group(1), vars);
                return value == null ? NullNode.getInstance() : value instanceof JsonNode n ? n : json.valueToTree(value);
            }
            return TextNode.valueOf(text(template.textValue(), vars));
        }
        if (template.isObject()) {
            ObjectNode out = json.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = template.fields();
            while (fields.hasNext()) {
                var field = fields.next();
                JsonNode value = json(field.getValue(), vars);
                if (!value.isNull() || field.getValue().isNull()) {
                    out.set(text(field.getKey(), vars), value);
                }
            }
            return out;
        }
        if (template.isArray()) {
            ArrayNode out = json.createArrayNode();
            template.forEach(item -> out.add(json(item, vars)));
            return out;
        }
        return template;
    }

    private static Object lookup(String name, Map<String, Object> vars) {
        if (!vars.containsKey(name)) {
            throw new ConnectorException("template variable {{" + name + "}} is not known here; known: " + new java.util.TreeSet<>(vars.keySet()));
        }
        return vars.get(name);
    }
}
