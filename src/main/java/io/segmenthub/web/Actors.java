package io.segmenthub.web;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The audit log's actor for a request: the signed-in user's name, prefixed with where it came from. */
final class Actors {

    private Actors() {
    }

    static String current(String channel) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return channel + ":" + (auth == null || auth.getName() == null ? "anonymous" : auth.getName());
    }
}
