package io.gatehouse.registry.trust;

import io.gatehouse.core.sign.ImageSigner;
import io.gatehouse.core.sign.SigningKey;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.Principal;

/**
 * Wiring of the trust capability for one registry: trusted keys, signature verification, promotion and gates.
 * Install with {@code RegistryServer.builder(config).contentGate(s -> Trust.create(s, …).gate())} (keep the
 * instance to reach the services).
 */
public final class Trust {
    /** Who writes signatures and copies when the registry acts on its own (audit shows it). */
    public static final Principal SYSTEM = new Principal("gatehouse-trust", Principal.Kind.SERVICE_ACCOUNT, false);

    private final TrustedKeys keys;
    private final RepositoryGates gates;
    private final SignatureService signatures;
    private final Promoter promoter;
    private final TrustGate gate;
    private final SigningKey registryKey;
    private final PolicyStore policies;
    private final io.gatehouse.registry.content.ContentService serverContent;

    private Trust(RegistryServer server, ScanReports reports, boolean signPromotions) {
        var content = server.content();
        this.serverContent = content;
        this.keys = new TrustedKeys(server.jdbi(), server.clock());
        this.gates = new RepositoryGates(server.jdbi(), server.clock(), server.cluster().events());
        ImageSigner signer = new ImageSigner(new ContentSignatureStore(content, SYSTEM));
        this.signatures = new SignatureService(signer, keys);
        this.registryKey = signPromotions ? RegistrySigningKey.loadOrCreate(server.jdbi(), server.dataDir()) : null;
        this.promoter = new Promoter(content, signatures, reports, gates, signer, registryKey, server::registryHost, server.clock());
        this.gate = new TrustGate(gates, content, signatures, reports, server.clock());
        this.policies = new PolicyStore(server.jdbi(), server.clock());
    }

    /**
     * @param reports        where scan reports come from ({@link ReferrerScanReports} for reports stored as referrers)
     * @param signPromotions sign promoted images with the registry's own key (created at first start)
     */
    public static Trust create(RegistryServer server, ScanReports reports, boolean signPromotions) {
        return new Trust(server, reports, signPromotions);
    }

    public TrustedKeys keys() {
        return keys;
    }

    public RepositoryGates gates() {
        return gates;
    }

    public SignatureService signatures() {
        return signatures;
    }

    public Promoter promoter() {
        return promoter;
    }

    public TrustGate gate() {
        return gate;
    }

    io.gatehouse.registry.content.ContentService promoterContent() {
        return serverContent;
    }

    /**
     * Wires trust into a server being built: scan reports read from referrers, promotions signed by the registry
     * key, automatic promotion on a single background thread, and (when {@code api} is given) the trust routes of
     * the management API. Promotions (manual and automatic) go to {@code audit} when given. Returns a holder
     * filled when the server is built.
     */
    public static java.util.concurrent.atomic.AtomicReference<Trust> install(io.gatehouse.registry.RegistryServer.Builder b,
                                                                             java.util.function.Function<io.gatehouse.registry.RegistryServer, io.gatehouse.registry.api.ApiRouter> api,
                                                                             java.util.function.Function<io.gatehouse.registry.RegistryServer, io.gatehouse.registry.audit.AuditLog> audit) {
        var holder = new java.util.concurrent.atomic.AtomicReference<Trust>();
        java.util.function.Function<io.gatehouse.registry.RegistryServer, Trust> get = s -> {
            synchronized (holder) {
                if (holder.get() == null) holder.set(create(s, new ReferrerScanReports(s.content()), true));
                return holder.get();
            }
        };
        b.contentGate(s -> get.apply(s).gate());
        b.listener(s -> {
            var executor = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "gatehouse-auto-promotion");
                t.setDaemon(true);
                return t;
            });
            io.gatehouse.registry.audit.AuditLog log = audit == null ? null : audit.apply(s);
            return get.apply(s).autoPromotion(executor, result -> {
                if (log != null) auditPromotion(log, SYSTEM, null, result);
            });
        });
        if (api != null) {
            // Routes are added while the server is built (listener factories run after the access controller, so
            // the auth module and its router exist); the router accepts routes at any time.
            b.listener(s -> {
                TrustApi.register(api.apply(s), get.apply(s), audit == null ? null : audit.apply(s));
                return new io.gatehouse.registry.content.RegistryEvents() {
                };
            });
        }
        return holder;
    }

    /** Records a promotion attempt: action {@code image.promote}, the source as target, the outcome and why. */
    public static void auditPromotion(io.gatehouse.registry.audit.AuditLog log, Principal actor, String address, Promoter.Result r) {
        String detail = r.promoted()
                ? "promoted to " + r.targetRepository() + ":" + r.targetTag() + " by policy " + r.verdict().policy()
                        + (r.signedBy() == null ? "" : ", signed by " + r.signedBy())
                : "refused by policy " + r.verdict().policy() + ": " + r.verdict().failures().stream()
                        .map(c -> c.name()).collect(java.util.stream.Collectors.joining(", "));
        log.record(actor, "image.promote", r.sourceRepository() + "@" + r.digest(), address,
                r.promoted() ? io.gatehouse.registry.audit.AuditEvent.Outcome.SUCCESS : io.gatehouse.registry.audit.AuditEvent.Outcome.DENIED, detail);
    }

    public PolicyStore policies() {
        return policies;
    }

    /**
     * The listener that promotes automatically when scan reports arrive; register it with
     * {@code server.addListener(trust.autoPromotion(executor, results))}.
     */
    public AutoPromotion autoPromotion(java.util.concurrent.Executor executor, java.util.function.Consumer<Promoter.Result> results) {
        return new AutoPromotion(serverContent, policies, promoter, executor, results);
    }

    /** The registry's signing key, or null when promotions are not signed. */
    public SigningKey registryKey() {
        return registryKey;
    }
}
