package io.segmenthub.system;

import io.segmenthub.system.HubUsers.Role;
import jakarta.validation.Validator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Who may do what. Three roles: {@code admin} runs the hub (connectors, runs, config),
 * {@code compliance} works with personal data (consent, audit, subject requests, revealing PII),
 * {@code analyst} sees segments and scores and never personal data. Admin is deliberately not a
 * superset: running the hub does not entitle anyone to read personal data.
 * <p>
 * Two filter chains. The API ({@code /api/**}) is stateless: HTTP Basic against the users file
 * and, when {@code spring.security.oauth2.resourceserver.jwt.*} is configured, JWT bearer tokens
 * from the company's identity provider (roles from a claim). No cookies, so no CSRF exposure.
 * The console is a session with a login form, CSRF tokens on every form and strict headers.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@ConditionalOnWebApplication
class SecurityWiring {

    static final String ADMIN = Role.ADMIN.name();
    static final String COMPLIANCE = Role.COMPLIANCE.name();
    static final String ANALYST = Role.ANALYST.name();

    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'";

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    UserDetailsService hubUsers(HubProperties properties, Environment environment, Validator validator) {
        List<HubUsers.User> users = HubUsers.load(Path.of(properties.configDir()), environment, validator);
        return new InMemoryUserDetailsManager(users.stream()
                .map(u -> User.withUsername(u.name()).password(u.passwordHash())
                        .roles(u.roles().stream().map(Role::name).toArray(String[]::new)).build())
                .toList());
    }

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, ObjectProvider<JwtDecoder> jwt,
                            @Value("${segmenthub.security.jwt.roles-claim:roles}") String rolesClaim) throws Exception {
        http.securityMatcher("/api/**", "/actuator/**")
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/webhooks/jiandaoyun/*").permitAll() // signed by the sender instead
                        .requestMatchers("/actuator/**").hasRole(ADMIN)
                        .requestMatchers("/api/connectors/**", "/api/runs/**").hasRole(ADMIN)
                        .requestMatchers(HttpMethod.POST, "/api/profiles/search").hasAnyRole(ADMIN, COMPLIANCE)
                        .requestMatchers(HttpMethod.GET, "/api/profiles/*", "/api/profiles/*/explain").hasAnyRole(ADMIN, COMPLIANCE)
                        .requestMatchers(HttpMethod.POST, "/api/profiles/*/reveal").hasRole(COMPLIANCE)
                        .requestMatchers(HttpMethod.GET, "/api/segments", "/api/segments/**").hasAnyRole(ANALYST, ADMIN)
                        .requestMatchers("/api/consent/**", "/api/audit/**", "/api/subjects/**").hasRole(COMPLIANCE)
                        .anyRequest().denyAll())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable()) // stateless: credentials travel in every request, never in a cookie
                .httpBasic(Customizer.withDefaults())
                .headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'; frame-ancestors 'none'")));
        JwtDecoder decoder = jwt.getIfAvailable();
        if (decoder != null) {
            http.oauth2ResourceServer(o -> o.jwt(j -> j.decoder(decoder).jwtAuthenticationConverter(new RolesClaim(rolesClaim))));
        }
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain console(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(auth -> auth
                        .requestMatchers("/login", "/error", "/webjars/**", "/console/assets/**", "/favicon.ico").permitAll()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**").permitAll()
                        .requestMatchers("/console/connectors/**", "/console/runs/**").hasRole(ADMIN)
                        .requestMatchers("/console/compliance/**").hasRole(COMPLIANCE)
                        .requestMatchers("/console/profiles/*/reveal").hasRole(COMPLIANCE)
                        .requestMatchers("/console/profiles/**").hasAnyRole(ADMIN, COMPLIANCE)
                        .requestMatchers("/console/segments/**").hasAnyRole(ANALYST, ADMIN)
                        .requestMatchers("/", "/console").authenticated()
                        .anyRequest().denyAll())
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/console", true).permitAll())
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?logout"))
                .headers(h -> h
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                        .permissionsPolicyHeader(p -> p.policy("camera=(), microphone=(), geolocation=()")));
        return http.build();
    }

    /** Maps a JWT claim (a list of role names, or a space-separated string) to the hub's roles; unknown names are ignored. */
    static final class RolesClaim implements Converter<Jwt, AbstractAuthenticationToken> {
        private final String claim;

        RolesClaim(String claim) {
            this.claim = claim;
        }

        @Override
        public AbstractAuthenticationToken convert(Jwt jwt) {
            Object value = jwt.getClaims().get(claim);
            Collection<?> names = value instanceof Collection<?> c ? c
                    : value instanceof String s ? List.of(s.split("\\s+")) : List.of();
            List<GrantedAuthority> roles = names.stream().filter(Objects::nonNull)
                    .map(n -> n.toString().trim().toUpperCase(Locale.ROOT))
                    .filter(n -> List.of(ADMIN, COMPLIANCE, ANALYST).contains(n))
                    .<GrantedAuthority>map(n -> new SimpleGrantedAuthority("ROLE_" + n))
                    .toList();
            return new JwtAuthenticationToken(jwt, roles, jwt.getSubject());
        }
    }
}
