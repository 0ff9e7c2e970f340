package dev.lifeguard.monitor.rest;

final class Queries {

    private Queries() {
    }

    static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
