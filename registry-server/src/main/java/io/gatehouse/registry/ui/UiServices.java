package io.gatehouse.registry.ui;

import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.api.ApiRouter;
import io.gatehouse.registry.auth.AuthModule;
import io.gatehouse.registry.auth.GatehouseAccessController;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.mirror.MirrorRuns;
import io.gatehouse.registry.scan.service.ScanService;
import io.gatehouse.registry.trust.Trust;

import java.util.function.Supplier;

/**
 * The registry's own services the web interface reads and acts through (no second copy of their logic): content,
 * accounts and rules, the management API's route table (for scopes), scanning, trust and mirror runs. Scanning and
 * trust are suppliers because they are built with the server; either may be absent (null) in a registry without them.
 */
public record UiServices(RegistryServer server, AuthModule auth, Supplier<ScanService> scans, Supplier<Trust> trust) {

    public ContentService content() {
        return server.content();
    }

    public ApiRouter api() {
        return auth.api();
    }

    public GatehouseAccessController access() {
        return auth.accessController();
    }

    public ScanService scan() {
        return scans == null ? null : scans.get();
    }

    public Trust trustService() {
        return trust == null ? null : trust.get();
    }

    public MirrorRuns mirrorRuns() {
        return new MirrorRuns(server.jdbi(), server.clock());
    }

    /** Whether clients reach the registry over TLS (its own, or a proxy's in front: an https public URL). */
    public boolean tls() {
        String url = server.config().publicUrl();
        return server.config().tlsEnabled() || (url != null && url.startsWith("https://"));
    }

    /** host[:port] as clients write it in image references. */
    public String registryHost() {
        return server.registryHost();
    }
}
