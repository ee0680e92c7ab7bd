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

    private Trust(RegistryServer server, ScanReports reports, boolean signPromotions) {
        var content = server.content();
        this.keys = new TrustedKeys(server.jdbi(), server.clock());
        this.gates = new RepositoryGates(server.jdbi(), server.clock());
        ImageSigner signer = new ImageSigner(new ContentSignatureStore(content, SYSTEM));
        this.signatures = new SignatureService(signer, keys);
        this.registryKey = signPromotions ? RegistrySigningKey.loadOrCreate(server.dataDir()) : null;
        this.promoter = new Promoter(content, signatures, reports, signer, registryKey, server::registryHost, server.clock());
        this.gate = new TrustGate(gates, content, signatures, reports, server.clock());
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

    /** The registry's signing key, or null when promotions are not signed. */
    public SigningKey registryKey() {
        return registryKey;
    }
}
