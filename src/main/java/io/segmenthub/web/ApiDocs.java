package io.segmenthub.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI description served at {@code /v3/api-docs} and shown by Swagger UI at {@code /swagger-ui.html}. */
@Configuration(proxyBeanMethods = false)
class ApiDocs {

    @Bean
    OpenAPI segmentHubApi() {
        return new OpenAPI()
                .info(new Info().title("segment-hub API").version("v1")
                        .description("""
                                Runs, connectors, profiles, segments, consent, audit and subject requests. Roles: admin (connectors, runs), \
                                compliance (consent, audit, subject requests, revealing personal data), analyst (segments and scores). \
                                E-mail addresses and phone numbers always travel in request bodies, never in URLs.""")
                        .license(new License().name("Apache-2.0")))
                .components(new Components()
                        .addSecuritySchemes("basic", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic"))
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")))
                .addSecurityItem(new SecurityRequirement().addList("basic"))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}
