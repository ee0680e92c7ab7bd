package io.gatehouse.registry.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The registry's Prometheus metrics: request counts and latencies by route, method and status
 * ({@code gatehouse_http_requests_seconds}), bytes in and out, and storage size. Other capabilities register
 * their own meters on {@link #registry()}.
 */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    public Metrics() {
        bytesIn = Counter.builder("gatehouse.bytes.received").description("blob and manifest bytes received").baseUnit("bytes").register(registry);
        bytesOut = Counter.builder("gatehouse.bytes.sent").description("blob and manifest bytes sent").baseUnit("bytes").register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public void storageSize(Supplier<Number> bytes) {
        Gauge.builder("gatehouse.storage.bytes", () -> {
            try {
                return bytes.get();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }).description("bytes of committed blobs").baseUnit("bytes").register(registry);
    }

    public void bytesIn(long n) {
        if (n > 0) bytesIn.increment(n);
    }

    public void bytesOut(long n) {
        if (n > 0) bytesOut.increment(n);
    }

    public void request(String route, String method, int status, long nanos) {
        String key = route + ' ' + method + ' ' + status;
        Timer t = timers.get(key);
        if (t == null) {
            t = timers.computeIfAbsent(key, k -> Timer.builder("gatehouse.http.requests")
                    .description("HTTP requests by route, method and status")
                    .tag("route", route).tag("method", method).tag("status", Integer.toString(status))
                    .register(registry));
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }

    public String scrape() {
        return registry.scrape();
    }
}
