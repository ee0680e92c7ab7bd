package io.gatehouse.registry.ui.admin;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times as the administration pages write them (as the other pages do: minutes, UTC). */
final class Times {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private Times() {
    }

    static String format(Instant t) {
        return t == null ? "" : TIME.format(t);
    }
}
