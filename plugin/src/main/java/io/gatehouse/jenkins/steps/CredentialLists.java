package io.gatehouse.jenkins.steps;

import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.model.Item;
import hudson.security.ACL;
import hudson.util.ListBoxModel;
import io.gatehouse.jenkins.Forms;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/** Credential dropdowns of the snippet generator: only for users who may configure the job (or Jenkins). */
final class CredentialLists {
    private CredentialLists() {
    }

    static ListBoxModel usernamePasswordOrToken(Item item, String current) {
        if (!Forms.canConfigure(item)) {
            return new StandardListBoxModel().includeCurrentValue(current);
        }
        StandardListBoxModel m = new StandardListBoxModel();
        if (item == null) {
            return m.includeEmptyValue()
                    .includeAs(ACL.SYSTEM2, Jenkins.get(), StandardUsernamePasswordCredentials.class)
                    .includeAs(ACL.SYSTEM2, Jenkins.get(), StringCredentials.class)
                    .includeCurrentValue(current);
        }
        return m.includeEmptyValue()
                .includeAs(ACL.SYSTEM2, item, StandardUsernamePasswordCredentials.class)
                .includeAs(ACL.SYSTEM2, item, StringCredentials.class)
                .includeCurrentValue(current);
    }

    static ListBoxModel of(Item item, String current, Class<? extends com.cloudbees.plugins.credentials.common.StandardCredentials> type) {
        if (!Forms.canConfigure(item)) {
            return new StandardListBoxModel().includeCurrentValue(current);
        }
        StandardListBoxModel m = new StandardListBoxModel();
        return item == null
                ? m.includeEmptyValue().includeAs(ACL.SYSTEM2, Jenkins.get(), type).includeCurrentValue(current)
                : m.includeEmptyValue().includeAs(ACL.SYSTEM2, item, type).includeCurrentValue(current);
    }

    static ListBoxModel secretFiles(Item item, String current) {
        return of(item, current, FileCredentials.class);
    }

    static ListBoxModel secretTexts(Item item, String current) {
        return of(item, current, StringCredentials.class);
    }
}
