package io.gatehouse.registry.ui;

import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.AuthModule;
import io.gatehouse.registry.scan.service.ScanService;
import io.gatehouse.registry.trust.Trust;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Wiring of the web interface: served at {@code /} for every path the registry's APIs do not take. Sessions last
 * {@link #IDLE} without a request and at most {@link #ABSOLUTE} after signing in.
 */
public final class Ui {
    public static final Duration IDLE = Duration.ofMinutes(30);
    public static final Duration ABSOLUTE = Duration.ofHours(12);

    private Ui() {
    }

    /**
     * @param scans the holder {@code ScanApi.install} returned (or null without scanning)
     * @param trust the holder {@code Trust.install} returned (or null without trust)
     */
    public static void install(RegistryServer.Builder b, Function<RegistryServer, AuthModule> auth,
                               AtomicReference<ScanService> scans, AtomicReference<Trust> trust) {
        b.fallback(s -> {
            AuthModule m = auth.apply(s);
            UiServices services = new UiServices(s, m, scans == null ? null : scans::get, trust == null ? null : trust::get);
            return new UiHandler(services, new UiSessions(m.rules(), s.clock(), IDLE, ABSOLUTE));
        });
    }
}
