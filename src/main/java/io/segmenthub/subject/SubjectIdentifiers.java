package io.segmenthub.subject;

import io.segmenthub.crypto.BlindIndex;
import io.segmenthub.profile.Attribute;
import io.segmenthub.profile.CleanIdentity;
import io.segmenthub.profile.IdentityCleaner;
import io.segmenthub.system.HubConfig;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the e-mail or phone a person (or an officer) gives into the blind indexes the store
 * knows them by, cleaned exactly as ingest cleans them, so " BOB@Example.com " finds bob@example.com.
 */
@Component
public class SubjectIdentifiers {

    private final IdentityCleaner cleaner;
    private final BlindIndex blindIndex;
    private final HubConfig config;

    public SubjectIdentifiers(IdentityCleaner cleaner, BlindIndex blindIndex, HubConfig config) {
        this.cleaner = cleaner;
        this.blindIndex = blindIndex;
        this.config = config;
    }

    /** The blind index of the e-mail, and of the phone, in that order; at least one, or a refusal. */
    public List<String> all(Optional<String> email, Optional<String> phone) {
        Map<Attribute, String> raw = new EnumMap<>(Attribute.class);
        email.filter(e -> !e.isBlank()).ifPresent(e -> raw.put(Attribute.EMAIL, e));
        phone.filter(p -> !p.isBlank()).ifPresent(p -> raw.put(Attribute.PHONE, p));
        CleanIdentity clean = cleaner.clean(raw, config.hub().defaultRegion());
        List<String> subjects = new ArrayList<>();
        clean.valid(Attribute.EMAIL).ifPresent(e -> subjects.add(blindIndex.of("email", e)));
        clean.valid(Attribute.PHONE).ifPresent(p -> subjects.add(blindIndex.of("phone", p)));
        if (subjects.isEmpty()) {
            throw new SubjectRequestException("a subject request needs a valid e-mail address or phone number");
        }
        return subjects;
    }

    /** The identifier consent is recorded against: the e-mail's index if given, else the phone's. */
    public String primary(Optional<String> email, Optional<String> phone) {
        return all(email, phone).get(0);
    }
}
