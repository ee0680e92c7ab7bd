package io.gatehouse.registry.accounts;

import java.util.regex.Pattern;

/** The grammar of principal, organization and team names: short, lowercase, safe in URLs, logs and JWT subjects. */
public final class Names {

    public static final int MAX_LENGTH = 64;
    private static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?");
    /** Organizations are the first component of a repository name, so they follow that grammar. */
    private static final Pattern ORG = Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*");

    private Names() {
    }

    public static boolean isValidPrincipal(String name) {
        return name != null && name.length() <= MAX_LENGTH && NAME.matcher(name).matches();
    }

    public static String requirePrincipal(String name) {
        if (!isValidPrincipal(name)) {
            throw new AccountException(AccountException.Reason.INVALID,
                    "invalid name: 1 to 64 lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or digit");
        }
        return name;
    }

    public static String requireOrg(String name) {
        if (name == null || name.length() > MAX_LENGTH || !ORG.matcher(name).matches()) {
            throw new AccountException(AccountException.Reason.INVALID,
                    "invalid organization name: it must be a valid first component of a repository name (lowercase letters and digits separated by '.', '_', '__' or '-'), at most 64 characters");
        }
        return name;
    }

    public static String requireTeam(String name) {
        return requirePrincipal(name);
    }
}
