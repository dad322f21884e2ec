package dev.upc.store.rest;

class MethodNotAllowedException extends RuntimeException {

    private final String allow;

    MethodNotAllowedException(String method, String allow) {
        super(method + " is not supported here; use " + allow);
        this.allow = allow;
    }

    String allow() {
        return allow;
    }
}
