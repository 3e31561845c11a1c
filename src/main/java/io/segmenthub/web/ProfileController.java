package io.segmenthub.web;

import io.segmenthub.profile.ProfileLookup;
import io.segmenthub.subject.SubjectRequestException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Golden profiles for admins and compliance officers: search by e-mail or phone (in the body,
 * never the URL) or golden id, masked; {@code reveal} shows the personal data to the compliance
 * role only and is audited with who asked and why.
 */
@RestController
@RequestMapping("/api/profiles")
class ProfileController {

    record Search(String email, String phone, String goldenId) {
    }

    record Reveal(String reason) {
    }

    private final ProfileLookup profiles;

    ProfileController(ProfileLookup profiles) {
        this.profiles = profiles;
    }

    @PostMapping("/search")
    List<ProfileLookup.View> search(@RequestBody Search search) {
        return profiles.search(Optional.ofNullable(search.email()), Optional.ofNullable(search.phone()),
                Optional.ofNullable(search.goldenId()), Actors.current("api"));
    }

    @GetMapping("/{goldenId}")
    ResponseEntity<ProfileLookup.View> get(@PathVariable String goldenId) {
        return ResponseEntity.of(profiles.masked(goldenId));
    }

    /** Why the profile holds its records: shared identifier kinds, merges with evidence, survivorship. No personal data. */
    @GetMapping("/{goldenId}/explain")
    ResponseEntity<Map<String, Object>> explain(@PathVariable String goldenId) {
        return ResponseEntity.of(profiles.explain(goldenId));
    }

    @PostMapping("/{goldenId}/reveal")
    ResponseEntity<?> reveal(@PathVariable String goldenId, @RequestBody(required = false) Reveal reveal) {
        String reason = reveal == null || reveal.reason() == null || reveal.reason().isBlank() ? null : reveal.reason().strip();
        if (reason == null) {
            return ResponseEntity.badRequest().body(Map.of("error", "a reveal needs a reason (it goes into the audit log)"));
        }
        return ResponseEntity.of(profiles.reveal(goldenId, Actors.current("api"), reason.replaceAll("\\s+", " ").substring(0, Math.min(reason.length(), 200))));
    }

    @ExceptionHandler(SubjectRequestException.class)
    ResponseEntity<Map<String, String>> badRequest(SubjectRequestException e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }
}
