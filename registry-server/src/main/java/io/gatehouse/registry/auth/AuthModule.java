package io.gatehouse.registry.auth;

import io.gatehouse.registry.accounts.AccessChanges;
import io.gatehouse.registry.accounts.Accounts;
import io.gatehouse.registry.accounts.PasswordHasher;
import io.gatehouse.registry.accounts.Permissions;
import io.gatehouse.registry.api.AccountsApi;
import io.gatehouse.registry.api.ApiRouter;
import io.gatehouse.registry.api.AuditApi;
import io.gatehouse.registry.api.RepositoriesApi;
import io.gatehouse.registry.audit.AuditLog;
import io.gatehouse.registry.audit.AuditSpool;
import io.gatehouse.registry.audit.DenialAudit;
import io.gatehouse.registry.audit.JdbiAuditLog;
import io.gatehouse.registry.cluster.ClusterEvents;
import io.gatehouse.registry.cluster.LocalClusterEvents;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Predicate;

/**
 * Wiring of identity and access control, for Main and for tests: builds the stores, the rules, the token service
 * and its endpoint, the access controller and the management API router (with the account, repository and audit
 * routes registered; other capabilities add theirs to {@link #api()}). Creates the bootstrap admin on first start.
 *
 * <p>Mount {@link #tokenEndpoint()} at {@code /auth} and {@link #api()} at {@code /api/v1}, and give
 * {@link #accessController()} to the registry.
 */
public final class AuthModule {

    private static final Logger LOG = LoggerFactory.getLogger(AuthModule.class);
    public static final String BOOTSTRAP_ADMIN = "admin";

    private final AccessChanges changes;
    private final Accounts accounts;
    private final Permissions permissions;
    private final AuditLog audit;
    private final AuditSpool auditSpool;
    private final DenialAudit denials;
    private final AccessRules rules;
    private final TokenService tokens;
    private final Authenticator authenticator;
    private final GatehouseAccessController accessController;
    private final TokenEndpoint tokenEndpoint;
    private final ApiRouter api;
    private final Challenges challenges;

    private AuthModule(Jdbi jdbi, TokenKeys keys, AuditSpool auditSpool, AuthConfig config, Clock clock, PasswordHasher hasher,
                       LoginThrottle throttle, Predicate<String> repositoryExists, ClusterEvents cluster) {
        this.changes = new AccessChanges(cluster);
        this.accounts = new Accounts(jdbi, hasher, clock, changes);
        this.permissions = new Permissions(jdbi, changes);
        this.auditSpool = auditSpool;
        this.audit = new JdbiAuditLog(jdbi, clock, auditSpool);
        this.rules = new AccessRules(accounts, permissions, changes, clock, config.anonymousPull());
        this.tokens = new TokenService(keys, config.issuer(), config.service(), config.tokenTtl(), clock);
        this.challenges = new Challenges(config.realm(), config.service());
        this.authenticator = new Authenticator(accounts, rules, tokens, throttle, audit, challenges, changes, clock);
        this.denials = new DenialAudit(audit, clock, DenialAudit.DEFAULT_WINDOW, DenialAudit.DEFAULT_MAX_PER_SECOND);
        this.accessController = new GatehouseAccessController(authenticator, rules, challenges, denials);
        this.tokenEndpoint = new TokenEndpoint(authenticator, rules, tokens);
        this.api = new ApiRouter(accessController);
        new AccountsApi(accounts, permissions, audit, clock).register(api);
        new RepositoriesApi(permissions, rules, audit, repositoryExists).register(api);
        new AuditApi(audit).register(api);
    }

    /**
     * @param jdbi             the registry database, migrated (V20–V22 create the tables used here)
     * @param dataDir          where the audit spool is kept ({@code audit/spool.jsonl}) and, before V82, the token
     *                         signing key was ({@code auth/token-signing-key.json}, moved into the database)
     * @param repositoryExists whether the registry holds a repository (its metadata); used by the management API
     */
    public static AuthModule create(Jdbi jdbi, Path dataDir, AuthConfig config, Predicate<String> repositoryExists) {
        return create(jdbi, TokenKeys.loadOrCreate(jdbi, dataDir), AuditSpool.in(dataDir), config, Clock.systemUTC(), PasswordHasher.defaults(),
                LoginThrottle.defaults(Clock.systemUTC()), repositoryExists);
    }

    /** Full control, for tests: a fixed or moving clock, cheaper hashing, a custom throttle; no audit spool. */
    public static AuthModule create(Jdbi jdbi, TokenKeys keys, AuthConfig config, Clock clock, PasswordHasher hasher,
                                    LoginThrottle throttle, Predicate<String> repositoryExists) {
        return create(jdbi, keys, null, config, clock, hasher, throttle, repositoryExists);
    }

    /** @param auditSpool where audit events refused by the database outside a transaction are kept ({@code null}: none) */
    public static AuthModule create(Jdbi jdbi, TokenKeys keys, AuditSpool auditSpool, AuthConfig config, Clock clock, PasswordHasher hasher,
                                    LoginThrottle throttle, Predicate<String> repositoryExists) {
        return create(jdbi, keys, auditSpool, config, clock, hasher, throttle, repositoryExists, new LocalClusterEvents());
    }

    /**
     * @param cluster where changes to accounts and grants are told to the other replicas (and theirs to this one),
     *                so that every replica's caches drop what changed
     */
    public static AuthModule create(Jdbi jdbi, TokenKeys keys, AuditSpool auditSpool, AuthConfig config, Clock clock, PasswordHasher hasher,
                                    LoginThrottle throttle, Predicate<String> repositoryExists, ClusterEvents cluster) {
        AuthModule m = new AuthModule(jdbi, keys, auditSpool, config, clock, hasher, throttle, repositoryExists, cluster);
        m.bootstrapAdmin(config);
        return m;
    }

    /**
     * On first start (no user at all) creates {@value #BOOTSTRAP_ADMIN}, a system admin, with the password from
     * {@code GATEHOUSE_ADMIN_PASSWORD} or a generated one written once to the log (never stored in clear).
     */
    private void bootstrapAdmin(AuthConfig config) {
        if (accounts.anyUser()) return;
        String fromEnv = config.env().apply(AuthConfig.ADMIN_PASSWORD_ENV);
        boolean generated = fromEnv == null || fromEnv.isEmpty();
        char[] password = generated ? generatePassword() : fromEnv.toCharArray();
        try {
            accounts.createUser(BOOTSTRAP_ADMIN, password, true);
        } catch (io.gatehouse.registry.accounts.AccountException e) {
            // only the operator's own value can be refused (a generated one always passes): say which setting
            throw new IllegalArgumentException(AuthConfig.ADMIN_PASSWORD_ENV + " (auth.admin_password): " + e.getMessage(), e);
        }
        if (generated) {
            // The one and only time this password exists outside the admin's head: they must change it.
            LOG.warn("Created the bootstrap administrator '{}' with the generated password: {}  (shown once; change it with PUT /api/v1/me/password)",
                    BOOTSTRAP_ADMIN, new String(password));
        } else {
            LOG.info("Created the bootstrap administrator '{}' with the password from {}", BOOTSTRAP_ADMIN, AuthConfig.ADMIN_PASSWORD_ENV);
        }
        java.util.Arrays.fill(password, '\0');
    }

    private static char[] generatePassword() {
        String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom r = new SecureRandom();
        char[] c = new char[24];
        for (int i = 0; i < c.length; i++) c[i] = alphabet.charAt(r.nextInt(alphabet.length()));
        return c;
    }

    public GatehouseAccessController accessController() {
        return accessController;
    }

    public TokenEndpoint tokenEndpoint() {
        return tokenEndpoint;
    }

    /** The management API router; register further routes with {@link ApiRouter#add}. */
    public ApiRouter api() {
        return api;
    }

    public AuditLog auditLog() {
        return audit;
    }

    /** Where audit events wait while the database refuses them, if this module has one. */
    public java.util.Optional<AuditSpool> auditSpool() {
        return java.util.Optional.ofNullable(auditSpool);
    }

    /** Where refusals of authenticated callers are recorded (aggregated). */
    public DenialAudit denials() {
        return denials;
    }

    public Accounts accounts() {
        return accounts;
    }

    public Permissions permissions() {
        return permissions;
    }

    public AccessRules rules() {
        return rules;
    }

    /** Password checks (throttled and audited), for the web interface's sign-in. */
    public Authenticator authenticator() {
        return authenticator;
    }

    public TokenService tokens() {
        return tokens;
    }
}
