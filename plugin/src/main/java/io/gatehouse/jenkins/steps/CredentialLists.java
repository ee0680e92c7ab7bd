package io.gatehouse.jenkins.steps;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import hudson.model.Item;
import hudson.model.Queue;
import hudson.model.queue.Tasks;
import hudson.security.ACL;
import hudson.util.ListBoxModel;
import io.gatehouse.jenkins.Forms;
import io.gatehouse.jenkins.StepCredentials;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.springframework.security.core.Authentication;

/**
 * Credential dropdowns of the snippet generator, listing what a build of that job could resolve: the job's context
 * with the authentication the job runs as ({@code Tasks.getAuthenticationOf2}, credentials plugin docs/consumer.adoc
 * "listCredentialsInItem … job instanceof Queue.Task ? Tasks.getAuthenticationOf2(job) : ACL.SYSTEM2"), filtered by
 * the domain requirements of the host the credential is for. Only for users who may configure the job (or Jenkins).
 */
final class CredentialLists {
    private CredentialLists() {
    }

    /** The authentication a build of {@code item} runs as; SYSTEM for the global page (no item). */
    static Authentication authenticationOf(Item item) {
        return item instanceof Queue.Task task ? Tasks.getAuthenticationOf2(task) : ACL.SYSTEM2;
    }

    /** Username/password or secret text, for {@code uri} (the registry, or an upstream; null: any domain). */
    static ListBoxModel usernamePasswordOrToken(Item item, String current, String uri) {
        if (!Forms.canConfigure(item)) {
            return new StandardListBoxModel().includeCurrentValue(current);
        }
        List<DomainRequirement> requirements = StepCredentials.requirements(uri);
        Authentication as = authenticationOf(item);
        StandardListBoxModel m = new StandardListBoxModel();
        if (item == null) {
            return m.includeEmptyValue()
                    .includeAs(as, Jenkins.get(), StandardUsernamePasswordCredentials.class, requirements)
                    .includeAs(as, Jenkins.get(), StringCredentials.class, requirements)
                    .includeCurrentValue(current);
        }
        return m.includeEmptyValue()
                .includeAs(as, item, StandardUsernamePasswordCredentials.class, requirements)
                .includeAs(as, item, StringCredentials.class, requirements)
                .includeCurrentValue(current);
    }

    static ListBoxModel of(Item item, String current, Class<? extends StandardCredentials> type) {
        if (!Forms.canConfigure(item)) {
            return new StandardListBoxModel().includeCurrentValue(current);
        }
        Authentication as = authenticationOf(item);
        StandardListBoxModel m = new StandardListBoxModel();
        return item == null
                ? m.includeEmptyValue().includeAs(as, Jenkins.get(), type, List.of()).includeCurrentValue(current)
                : m.includeEmptyValue().includeAs(as, item, type, List.of()).includeCurrentValue(current);
    }

    static ListBoxModel secretFiles(Item item, String current) {
        return of(item, current, FileCredentials.class);
    }

    static ListBoxModel secretTexts(Item item, String current) {
        return of(item, current, StringCredentials.class);
    }
}
