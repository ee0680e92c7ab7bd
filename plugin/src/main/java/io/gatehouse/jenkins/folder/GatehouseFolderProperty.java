package io.gatehouse.jenkins.folder;

import com.cloudbees.hudson.plugins.folder.AbstractFolder;
import com.cloudbees.hudson.plugins.folder.AbstractFolderProperty;
import com.cloudbees.hudson.plugins.folder.AbstractFolderPropertyDescriptor;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.ItemGroup;
import hudson.security.ACL;
import hudson.util.ListBoxModel;
import io.gatehouse.jenkins.Forms;
import io.gatehouse.jenkins.GatehouseConfiguration;
import io.gatehouse.jenkins.StepCredentials;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * A folder's own Gatehouse registry credential (folder → Configure → Gatehouse), used by every job below it instead of
 * the global one, unless a step names its own {@code registryCredentialsId}; the nearest folder wins. It lets a team's
 * folder use a registry service account with only that team's repositories. The credential is resolved like a step's:
 * in the job's context with the run's authentication (a Global-scoped credential of this folder, a folder above or
 * Jenkins). Only with the CloudBees Folders plugin (an optional dependency: without it this extension is not loaded).
 */
public class GatehouseFolderProperty extends AbstractFolderProperty<AbstractFolder<?>> {
    private String registryCredentialsId;

    @DataBoundConstructor
    public GatehouseFolderProperty() {
    }

    public String getRegistryCredentialsId() {
        return registryCredentialsId;
    }

    @DataBoundSetter
    public void setRegistryCredentialsId(String registryCredentialsId) {
        this.registryCredentialsId = registryCredentialsId == null || registryCredentialsId.isBlank() ? null : registryCredentialsId.trim();
    }

    @Extension(optional = true)
    @Symbol("gatehouse")
    public static class DescriptorImpl extends AbstractFolderPropertyDescriptor {
        @Override
        public String getDisplayName() {
            return "Gatehouse registry credential";
        }

        /**
         * What jobs in this folder could resolve: the folder's context (its credentials and those above it, Global
         * scope; System-scoped ones are never visible in a folder), for the registry's domain. Only for users who may
         * configure the folder.
         */
        @POST
        public ListBoxModel doFillRegistryCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String registryCredentialsId) {
            if (item == null || !Forms.canConfigure(item)) {
                return new StandardListBoxModel().includeCurrentValue(registryCredentialsId);
            }
            var requirements = StepCredentials.requirements(GatehouseConfiguration.get().getRegistryUrl());
            StandardListBoxModel m = new StandardListBoxModel();
            m.includeEmptyValue();
            if (item instanceof ItemGroup<?> folder) {
                m.includeAs(ACL.SYSTEM2, folder, StandardUsernamePasswordCredentials.class, requirements)
                        .includeAs(ACL.SYSTEM2, folder, StringCredentials.class, requirements);
            }
            return m.includeCurrentValue(registryCredentialsId);
        }
    }
}
