package io.gatehouse.registry.accounts;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static io.gatehouse.registry.accounts.AccountException.Reason.CONFLICT;
import static io.gatehouse.registry.accounts.AccountException.Reason.INVALID;
import static io.gatehouse.registry.accounts.AccountException.Reason.NOT_FOUND;

/** Users, service accounts, organizations (with their owners) and teams (with their members), in the database. */
public final class Accounts {

    /** Service-account tokens start with this, so a leaked one is recognisable by secret scanners. */
    public static final String TOKEN_PREFIX = "ghsa_";
    /** A password's length bounds, in characters (forms show them; {@link #setPassword} enforces them). */
    public static final int MIN_PASSWORD = 8;
    public static final int MAX_PASSWORD = 1024;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String USER_COLUMNS = "name, system_admin, disabled, created_at, generation";

    private final Jdbi jdbi;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final AccessChanges changes;

    public Accounts(Jdbi jdbi, PasswordHasher hasher, Clock clock, AccessChanges changes) {
        this.jdbi = jdbi;
        this.hasher = hasher;
        this.clock = clock;
        this.changes = changes;
    }

    // ---------------------------------------------------------------- users

    public User createUser(String name, char[] password, boolean systemAdmin) {
        Names.requirePrincipal(name);
        requirePassword(password);
        String hash = hasher.hash(password);
        Instant now = clock.instant();
        String generation = newGeneration();
        write(h -> {
            requireFreePrincipalName(h, name);
            h.createUpdate("INSERT INTO auth_users(name, password_hash, system_admin, disabled, created_at, generation) VALUES (?,?,?,0,?,?)")
                    .bind(0, name).bind(1, hash).bind(2, systemAdmin ? 1 : 0).bind(3, now.toEpochMilli()).bind(4, generation).execute();
        });
        return new User(name, systemAdmin, false, Instant.ofEpochMilli(now.toEpochMilli()), generation);
    }

    public Optional<User> user(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + USER_COLUMNS + " FROM auth_users WHERE name = ?")
                .bind(0, name).map((rs, ctx) -> userOf(rs)).findOne());
    }

    public List<User> users() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + USER_COLUMNS + " FROM auth_users ORDER BY name")
                .map((rs, ctx) -> userOf(rs)).list());
    }

    public boolean anyUser() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM auth_users").mapTo(Integer.class).one()) > 0;
    }

    /**
     * Checks a password. Unknown users and disabled users cost the same hashing time as a wrong password, so the
     * answer's timing does not tell whether a name exists. The user comes from the row whose hash was checked, so
     * its generation is that of the password that matched (not of a password set a moment later).
     */
    public Optional<User> verifyPassword(String name, char[] password) {
        if (!Names.isValidPrincipal(name)) {
            hasher.verifyDummy(password);
            return Optional.empty();
        }
        record Row(User user, String hash) {
        }
        Optional<Row> row = jdbi.withHandle(h -> h.createQuery("SELECT " + USER_COLUMNS + ", password_hash FROM auth_users WHERE name = ? AND disabled = 0")
                .bind(0, name).map((rs, ctx) -> new Row(userOf(rs), rs.getString("password_hash"))).findOne());
        if (row.isEmpty()) {
            hasher.verifyDummy(password);
            return Optional.empty();
        }
        return hasher.verify(password, row.get().hash()) ? Optional.of(row.get().user()) : Optional.empty();
    }

    public void setPassword(String name, char[] password) {
        requirePassword(password);
        String hash = hasher.hash(password);
        update("UPDATE auth_users SET password_hash = ?, generation = ? WHERE name = ?", hash, newGeneration(), name);
    }

    /** Taking the flag away also ends the user's tokens (they may carry system-admin access). */
    public void setSystemAdmin(String name, boolean admin) {
        update("UPDATE auth_users SET system_admin = ?, generation = CASE WHEN ? = 1 THEN generation ELSE ? END WHERE name = ?",
                admin ? 1 : 0, admin ? 1 : 0, newGeneration(), name);
    }

    /** Disabling ends the user's tokens; enabling again does not bring them back. */
    public void setDisabled(String name, boolean disabled) {
        update("UPDATE auth_users SET disabled = ?, generation = ? WHERE name = ?", disabled ? 1 : 0, newGeneration(), name);
    }

    public void deleteUser(String name) {
        write(h -> {
            if (h.createUpdate("DELETE FROM auth_users WHERE name = ?").bind(0, name).execute() == 0) {
                throw new AccountException(NOT_FOUND, "no such user");
            }
            forgetPrincipal(h, name);
        });
    }

    // ---------------------------------------------------------------- service accounts

    /** Creates a service account and returns its token, which is stored only as a hash and cannot be shown again. */
    public ServiceAccount.Created createServiceAccount(String name, String description, Instant expiresAt, boolean systemAdmin, String createdBy) {
        Names.requirePrincipal(name);
        String token = newToken();
        Instant now = Instant.ofEpochMilli(clock.millis());
        String desc = description == null ? "" : description;
        if (desc.length() > 1000) throw new AccountException(INVALID, "description longer than 1000 characters");
        String generation = newGeneration();
        write(h -> {
            requireFreePrincipalName(h, name);
            h.createUpdate("INSERT INTO auth_service_accounts(name, description, token_hash, system_admin, expires_at, revoked_at, created_by, created_at, generation) VALUES (?,?,?,?,?,NULL,?,?,?)")
                    .bind(0, name).bind(1, desc).bind(2, tokenHash(token)).bind(3, systemAdmin ? 1 : 0)
                    .bind(4, expiresAt == null ? null : expiresAt.toEpochMilli()).bind(5, createdBy).bind(6, now.toEpochMilli())
                    .bind(7, generation).execute();
        });
        return new ServiceAccount.Created(new ServiceAccount(name, desc, systemAdmin,
                expiresAt == null ? null : Instant.ofEpochMilli(expiresAt.toEpochMilli()), null, createdBy, now, generation), token);
    }

    public Optional<ServiceAccount> serviceAccount(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM auth_service_accounts WHERE name = ?")
                .bind(0, name).map((rs, ctx) -> serviceAccountOf(rs)).findOne());
    }

    public List<ServiceAccount> serviceAccounts() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM auth_service_accounts ORDER BY name")
                .map((rs, ctx) -> serviceAccountOf(rs)).list());
    }

    /** The active service account holding {@code token}, if any (and {@code name} matches it when given). */
    public Optional<ServiceAccount> verifyToken(String name, String token) {
        if (token == null || !token.startsWith(TOKEN_PREFIX) || token.length() > 200) return Optional.empty();
        Optional<ServiceAccount> sa = jdbi.withHandle(h -> h.createQuery("SELECT * FROM auth_service_accounts WHERE token_hash = ?")
                .bind(0, tokenHash(token)).map((rs, ctx) -> serviceAccountOf(rs)).findOne());
        return sa.filter(a -> a.activeAt(clock.instant()))
                .filter(a -> name == null || name.isEmpty() || a.name().equals(name));
    }

    public void revokeServiceAccount(String name) {
        update("UPDATE auth_service_accounts SET revoked_at = ?, generation = ? WHERE name = ? AND revoked_at IS NULL",
                clock.millis(), newGeneration(), name);
    }

    /**
     * Replaces a service account's token with a new one, returned here only. The old token stops working, and so does
     * every bearer token issued with it (a new generation). A revoked account stays revoked: it cannot get a token.
     */
    public ServiceAccount.Created rotateToken(String name) {
        String token = newToken();
        String generation = newGeneration();
        write(h -> {
            int changed = h.createUpdate("UPDATE auth_service_accounts SET token_hash = ?, generation = ? WHERE name = ? AND revoked_at IS NULL")
                    .bind(0, tokenHash(token)).bind(1, generation).bind(2, name).execute();
            if (changed == 0) {
                boolean exists = h.createQuery("SELECT COUNT(*) FROM auth_service_accounts WHERE name = ?").bind(0, name).mapTo(Integer.class).one() > 0;
                throw exists ? new AccountException(CONFLICT, "the service account is revoked; create a new one")
                        : new AccountException(NOT_FOUND, "no such service account");
            }
        });
        return new ServiceAccount.Created(serviceAccount(name).orElseThrow(), token);
    }

    /** Removes a service account (revoked or not) with every grant, membership, ownership and curatorship it held. */
    public void deleteServiceAccount(String name) {
        write(h -> {
            if (h.createUpdate("DELETE FROM auth_service_accounts WHERE name = ?").bind(0, name).execute() == 0) {
                throw new AccountException(NOT_FOUND, "no such service account");
            }
            forgetPrincipal(h, name);
        });
    }

    // ---------------------------------------------------------------- organizations

    public void createOrg(String name) {
        Names.requireOrg(name);
        write(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM auth_orgs WHERE name = ?").bind(0, name).mapTo(Integer.class).one() > 0) {
                throw new AccountException(CONFLICT, "organization already exists");
            }
            h.createUpdate("INSERT INTO auth_orgs(name, created_at) VALUES (?, ?)").bind(0, name).bind(1, clock.millis()).execute();
        });
    }

    public boolean orgExists(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM auth_orgs WHERE name = ?").bind(0, name).mapTo(Integer.class).one()) > 0;
    }

    public List<String> orgs() {
        return jdbi.withHandle(h -> h.createQuery("SELECT name FROM auth_orgs ORDER BY name").mapTo(String.class).list());
    }

    public void deleteOrg(String name) {
        write(h -> {
            h.createUpdate("DELETE FROM auth_team_members WHERE org = ?").bind(0, name).execute();
            // a prefix compared with substr, not LIKE: SQLite's LIKE ignores ASCII case, PostgreSQL's does not
            String prefix = name + "/";
            int length = prefix.codePointCount(0, prefix.length());
            h.createUpdate("DELETE FROM auth_grants WHERE grantee_kind = 'team' AND substr(grantee, 1, ?) = ?").bind(0, length).bind(1, prefix).execute();
            h.createUpdate("DELETE FROM auth_curators WHERE grantee_kind = 'team' AND substr(grantee, 1, ?) = ?").bind(0, length).bind(1, prefix).execute();
            h.createUpdate("DELETE FROM auth_teams WHERE org = ?").bind(0, name).execute();
            h.createUpdate("DELETE FROM auth_org_owners WHERE org = ?").bind(0, name).execute();
            h.createUpdate("DELETE FROM auth_grants WHERE target_kind = 'org' AND target = ?").bind(0, name).execute();
            if (h.createUpdate("DELETE FROM auth_orgs WHERE name = ?").bind(0, name).execute() == 0) {
                throw new AccountException(NOT_FOUND, "no such organization");
            }
        });
    }

    public void addOwner(String org, String principal) {
        write(h -> {
            requireOrg(h, org);
            requirePrincipal(h, principal);
            h.createUpdate("INSERT INTO auth_org_owners(org, principal) VALUES (?, ?) ON CONFLICT DO NOTHING").bind(0, org).bind(1, principal).execute();
        });
    }

    public void removeOwner(String org, String principal) {
        update("DELETE FROM auth_org_owners WHERE org = ? AND principal = ?", org, principal);
    }

    public List<String> owners(String org) {
        return jdbi.withHandle(h -> h.createQuery("SELECT principal FROM auth_org_owners WHERE org = ? ORDER BY principal")
                .bind(0, org).mapTo(String.class).list());
    }

    public List<String> ownedOrgs(String principal) {
        return jdbi.withHandle(h -> h.createQuery("SELECT org FROM auth_org_owners WHERE principal = ? ORDER BY org")
                .bind(0, principal).mapTo(String.class).list());
    }

    // ---------------------------------------------------------------- teams

    public void createTeam(String org, String team) {
        Names.requireTeam(team);
        write(h -> {
            requireOrg(h, org);
            if (h.createQuery("SELECT COUNT(*) FROM auth_teams WHERE org = ? AND name = ?").bind(0, org).bind(1, team).mapTo(Integer.class).one() > 0) {
                throw new AccountException(CONFLICT, "team already exists");
            }
            h.createUpdate("INSERT INTO auth_teams(org, name) VALUES (?, ?)").bind(0, org).bind(1, team).execute();
        });
    }

    public List<String> teams(String org) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name FROM auth_teams WHERE org = ? ORDER BY name").bind(0, org).mapTo(String.class).list());
    }

    public boolean teamExists(String org, String team) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM auth_teams WHERE org = ? AND name = ?")
                .bind(0, org).bind(1, team).mapTo(Integer.class).one()) > 0;
    }

    public void deleteTeam(String org, String team) {
        write(h -> {
            String qualified = org + "/" + team;
            h.createUpdate("DELETE FROM auth_team_members WHERE org = ? AND team = ?").bind(0, org).bind(1, team).execute();
            h.createUpdate("DELETE FROM auth_grants WHERE grantee_kind = 'team' AND grantee = ?").bind(0, qualified).execute();
            h.createUpdate("DELETE FROM auth_curators WHERE grantee_kind = 'team' AND grantee = ?").bind(0, qualified).execute();
            if (h.createUpdate("DELETE FROM auth_teams WHERE org = ? AND name = ?").bind(0, org).bind(1, team).execute() == 0) {
                throw new AccountException(NOT_FOUND, "no such team");
            }
        });
    }

    public void addMember(String org, String team, String principal) {
        write(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM auth_teams WHERE org = ? AND name = ?").bind(0, org).bind(1, team).mapTo(Integer.class).one() == 0) {
                throw new AccountException(NOT_FOUND, "no such team");
            }
            requirePrincipal(h, principal);
            h.createUpdate("INSERT INTO auth_team_members(org, team, principal) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                    .bind(0, org).bind(1, team).bind(2, principal).execute();
        });
    }

    public void removeMember(String org, String team, String principal) {
        update("DELETE FROM auth_team_members WHERE org = ? AND team = ? AND principal = ?", org, team, principal);
    }

    public List<String> members(String org, String team) {
        return jdbi.withHandle(h -> h.createQuery("SELECT principal FROM auth_team_members WHERE org = ? AND team = ? ORDER BY principal")
                .bind(0, org).bind(1, team).mapTo(String.class).list());
    }

    /** The teams {@code principal} belongs to, as {@code org/team}. */
    public List<String> teamsOf(String principal) {
        return jdbi.withHandle(h -> h.createQuery("SELECT org || '/' || team FROM auth_team_members WHERE principal = ? ORDER BY 1")
                .bind(0, principal).mapTo(String.class).list());
    }

    public boolean principalExists(String name) {
        return jdbi.withHandle(h -> principalExists(h, name));
    }

    // ---------------------------------------------------------------- helpers

    /** Hex SHA-256: service-account tokens carry 256 random bits, so a fast hash is enough and makes lookup by hash possible. */
    public static String tokenHash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new service-account token: the prefix and 256 random bits. */
    private static String newToken() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** 128 random bits, hex: a new account generation (see {@link User#generation()}). */
    private static String newGeneration() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void requirePassword(char[] password) {
        if (password == null || password.length < MIN_PASSWORD) throw new AccountException(INVALID, "password must have at least " + MIN_PASSWORD + " characters");
        if (password.length > MAX_PASSWORD) throw new AccountException(INVALID, "password longer than " + MAX_PASSWORD + " characters");
    }

    private static boolean principalExists(Handle h, String name) {
        return h.createQuery("SELECT (SELECT COUNT(*) FROM auth_users WHERE name = :n) + (SELECT COUNT(*) FROM auth_service_accounts WHERE name = :n)")
                .bind("n", name).mapTo(Integer.class).one() > 0;
    }

    private static void requireFreePrincipalName(Handle h, String name) {
        if (principalExists(h, name)) throw new AccountException(CONFLICT, "a user or service account with this name already exists");
    }

    private static void requirePrincipal(Handle h, String name) {
        if (!principalExists(h, name)) throw new AccountException(NOT_FOUND, "no such user or service account");
    }

    private static void requireOrg(Handle h, String org) {
        if (h.createQuery("SELECT COUNT(*) FROM auth_orgs WHERE name = ?").bind(0, org).mapTo(Integer.class).one() == 0) {
            throw new AccountException(NOT_FOUND, "no such organization");
        }
    }

    private static void forgetPrincipal(Handle h, String name) {
        h.createUpdate("DELETE FROM auth_org_owners WHERE principal = ?").bind(0, name).execute();
        h.createUpdate("DELETE FROM auth_team_members WHERE principal = ?").bind(0, name).execute();
        h.createUpdate("DELETE FROM auth_grants WHERE grantee_kind = 'principal' AND grantee = ?").bind(0, name).execute();
        h.createUpdate("DELETE FROM auth_curators WHERE grantee_kind = 'principal' AND grantee = ?").bind(0, name).execute();
    }

    private void update(String sql, Object... args) {
        write(h -> {
            var u = h.createUpdate(sql);
            for (int i = 0; i < args.length; i++) u.bind(i, args[i]);
            if (u.execute() == 0) throw new AccountException(NOT_FOUND, "no such account");
        });
    }

    private void write(java.util.function.Consumer<Handle> body) {
        try {
            jdbi.useTransaction(body::accept);
        } catch (UnableToExecuteStatementException e) {
            if (io.gatehouse.registry.metadata.Dialect.isUniqueViolation(e)) throw new AccountException(CONFLICT, "already exists");
            throw e;
        } finally {
            changes.fire();
        }
    }

    private static User userOf(ResultSet rs) throws SQLException {
        return new User(rs.getString("name"), rs.getInt("system_admin") != 0, rs.getInt("disabled") != 0,
                Instant.ofEpochMilli(rs.getLong("created_at")), rs.getString("generation"));
    }

    private static ServiceAccount serviceAccountOf(ResultSet rs) throws SQLException {
        long exp = rs.getLong("expires_at");
        Instant expires = rs.wasNull() ? null : Instant.ofEpochMilli(exp);
        long rev = rs.getLong("revoked_at");
        Instant revoked = rs.wasNull() ? null : Instant.ofEpochMilli(rev);
        return new ServiceAccount(rs.getString("name"), rs.getString("description"), rs.getInt("system_admin") != 0,
                expires, revoked, rs.getString("created_by"), Instant.ofEpochMilli(rs.getLong("created_at")), rs.getString("generation"));
    }
}
