package io.gatehouse.jenkins;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.gatehouse.jenkins.service.ConfigChecks;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * A policy edited on the global configuration page and referred to by name from scanImage/promoteImage
 * ({@code policy: 'no-critical'}). The document is in core's policy language.
 */
public class NamedPolicy extends AbstractDescribableImpl<NamedPolicy> {
    private final String name;
    private final String document;

    @DataBoundConstructor
    public NamedPolicy(String name, String document) {
        this.name = name == null ? null : name.trim();
        this.document = document;
    }

    public String getName() {
        return name;
    }

    public String getDocument() {
        return document;
    }

    @Extension
    @Symbol("policy")
    public static class DescriptorImpl extends Descriptor<NamedPolicy> {
        @Override
        public String getDisplayName() {
            return "Gatehouse policy";
        }

        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            Forms.checkConfigure(null);
            return Forms.toFormValidation(ConfigChecks.policyName(value));
        }

        /** The document's errors with their JSON paths, and a document whose own name is not this entry's name. */
        @POST
        public FormValidation doCheckDocument(@QueryParameter String value, @QueryParameter String name) {
            Forms.checkConfigure(null);
            return Forms.toFormValidation(ConfigChecks.policyDocument(value, name));
        }
    }
}
