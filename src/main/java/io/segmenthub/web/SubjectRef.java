package io.segmenthub.web;

/** Who a request is about: an e-mail address and/or a phone number, always in the body, never in a URL. */
record SubjectRef(String email, String phone) {
}
