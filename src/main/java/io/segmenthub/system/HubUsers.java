package io.segmenthub.system;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.Validator;
import org.springframework.core.env.PropertyResolver;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The console and API users of the embedded default, from {@code users.yml} in the config folder.
 * Passwords are bcrypt hashes only ({@code java -jar segment-hub.jar hash-password} makes one);
 * a plaintext password in the file is refused at start-up.
 */
public final class HubUsers {

    public static final String FILE = "users.yml";

    /** What a user may do. Admin runs the hub, compliance sees personal data and consent, analyst sees segments only. */
    public enum Role { ADMIN, COMPLIANCE, ANALYST }

    public record User(
            @NotBlank @Pattern(regexp = "[A-Za-z0-9._@-]{1,64}", message = "letters, digits, '.', '_', '@' or '-', at most 64") String name,
            @NotBlank @Pattern(regexp = "\\$2[aby]?\\$\\d{2}\\$[./A-Za-z0-9]{53}",
                    message = "must be a bcrypt hash ($2a$10$...), never a plaintext password; make one with: java -jar target/segment-hub.jar hash-password")
            String passwordHash,
            @NotEmpty List<Role> roles) {
    }

    record UsersFile(List<@Valid User> users) {
    }

    private HubUsers() {
    }

    public static List<User> load(Path configDir, PropertyResolver placeholders, Validator validator) {
        Path file = configDir.resolve(FILE);
        UsersFile users = new HubConfigLoader(placeholders, validator).read(file, UsersFile.class);
        if (users.users() == null || users.users().isEmpty()) {
            throw new ConfigException(file, "users", "no users: the console and API need at least one user");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < users.users().size(); i++) {
            if (!seen.add(users.users().get(i).name())) {
                throw new ConfigException(file, "users[" + i + "].name", "user '" + users.users().get(i).name() + "' is declared twice");
            }
        }
        return List.copyOf(users.users());
    }
}
