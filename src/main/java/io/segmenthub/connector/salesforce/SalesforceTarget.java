package io.segmenthub.connector.salesforce;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import java.util.Map;

/**
 * Where a Salesforce destination writes segment membership, under {@code salesforce:} of a
 * destination. {@code connector} names the salesforce connector whose org and sign-in are used.
 * {@code field}: a multi-select picklist (or text) field on the member's record that holds the
 * segments, one value per segment ({@code values} maps segment ids onto picklist values; default:
 * the segment id); the hub only adds and removes its own values and leaves the others alone.
 * {@code campaigns}: segment id to Campaign id; members become CampaignMembers (Contacts and Leads).
 * Either or both may be set.
 */
public record SalesforceTarget(
        @NotBlank String connector,
        @Pattern(regexp = "[A-Za-z][A-Za-z0-9_]{0,79}", message = "must be a field API name such as Segments__c") String field,
        Map<String, String> values,
        Map<String, @Pattern(regexp = "701[A-Za-z0-9]{12}([A-Za-z0-9]{3})?", message = "must be a Campaign id (15 or 18 characters starting 701)") String> campaigns) {

    public SalesforceTarget {
        values = values == null ? Map.of() : Map.copyOf(values);
        campaigns = campaigns == null ? Map.of() : Map.copyOf(campaigns);
    }

    public String valueFor(String segmentId) {
        return values.getOrDefault(segmentId, segmentId);
    }
}
