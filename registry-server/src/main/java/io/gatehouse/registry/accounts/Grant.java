package io.gatehouse.registry.accounts;

/**
 * A role on an organization ({@code targetKind = org}) or a repository ({@code repo}), held by a principal (user
 * or service account) or by a team ({@code org/team}).
 */
public record Grant(TargetKind targetKind, String target, GranteeKind granteeKind, String grantee, Role role) {

    public enum TargetKind { ORG, REPO }

    public enum GranteeKind {
        PRINCIPAL, TEAM;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static GranteeKind parse(String s) {
            if ("principal".equals(s) || "user".equals(s) || "service-account".equals(s)) return PRINCIPAL;
            if ("team".equals(s)) return TEAM;
            throw new IllegalArgumentException("grantee kind must be 'principal' or 'team'");
        }
    }
}
