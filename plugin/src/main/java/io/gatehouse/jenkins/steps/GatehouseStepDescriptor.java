package io.gatehouse.jenkins.steps;

import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.gatehouse.jenkins.GatehouseConfiguration;
import io.gatehouse.jenkins.RegistryProbes;
import io.gatehouse.jenkins.service.Check;
import io.gatehouse.jenkins.Forms;
import io.gatehouse.jenkins.service.ConfigChecks;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * What every Gatehouse step's descriptor shares: the context the steps run in (a build and its log, no workspace,
 * since the work happens in the registry or in core) and the form check of an {@code image} argument. Stapler finds
 * inherited {@code doCheck…} methods, so a step with an {@code image} field gets the check without repeating it.
 */
public abstract class GatehouseStepDescriptor extends StepDescriptor {

    @Override
    public Set<? extends Class<?>> getRequiredContext() {
        return Set.of(Run.class, TaskListener.class);
    }

    /** The step's registry credential: what a build of this job could resolve for the configured registry. */
    @POST
    public ListBoxModel doFillRegistryCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String registryCredentialsId) {
        return CredentialLists.usernamePasswordOrToken(item, registryCredentialsId, GatehouseConfiguration.get().getRegistryUrl());
    }

    @POST
    public FormValidation doCheckImage(@AncestorInPath Item item, @QueryParameter String value) {
        Forms.checkConfigure(item);
        Check syntax = ConfigChecks.image(value);
        // only a well-formed name is worth a round trip to the registry
        return Forms.toFormValidation(syntax.kind() == Check.Kind.OK ? RegistryProbes.image(value) : syntax);
    }
}
