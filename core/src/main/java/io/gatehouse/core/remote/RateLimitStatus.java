package io.gatehouse.core.remote;

import okhttp3.Response;

/**
 * Docker Hub's pull-quota headers: {@code ratelimit-limit: 100;w=21600} and {@code ratelimit-remaining: 76;w=21600}
 * (limit and remaining pulls in a window of w seconds). Other registries send none; then {@link #parse} gives null.
 */
public record RateLimitStatus(long limit, long remaining, long windowSeconds) {

    public static RateLimitStatus parse(Response r) {
        String limit = r.header("ratelimit-limit");
        String remaining = r.header("ratelimit-remaining");
        if (limit == null || remaining == null) return null;
        try {
            long l = Long.parseLong(limit.split(";")[0].strip());
            long rem = Long.parseLong(remaining.split(";")[0].strip());
            return new RateLimitStatus(l, rem, window(remaining, window(limit, 0)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long window(String header, long fallback) {
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith("w=")) {
                try {
                    return Long.parseLong(p.substring(2));
                } catch (NumberFormatException ignored) {
                    return fallback;
                }
            }
        }
        return fallback;
    }

    @Override
    public String toString() {
        return remaining + " of " + limit + " pulls left" + (windowSeconds > 0 ? " per " + windowSeconds + "s window" : "");
    }
}
