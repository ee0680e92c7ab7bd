package io.gatehouse.registry.ui.admin;

import io.gatehouse.registry.accounts.Accounts;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Names the forms offer as suggestions (a datalist: typing any other name still works). */
final class Principals {
    private Principals() {
    }

    /** Users and service accounts, sorted. */
    static List<String> names(Accounts accounts) {
        Set<String> names = new TreeSet<>();
        accounts.users().forEach(u -> names.add(u.name()));
        accounts.serviceAccounts().forEach(a -> names.add(a.name()));
        return List.copyOf(names);
    }

    /** Users, service accounts and teams ({@code org/team}). */
    static List<String> grantees(Accounts accounts) {
        List<String> all = new ArrayList<>(names(accounts));
        for (String org : accounts.orgs()) {
            for (String team : accounts.teams(org)) all.add(org + "/" + team);
        }
        return all;
    }
}
