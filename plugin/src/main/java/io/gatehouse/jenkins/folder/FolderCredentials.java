package io.gatehouse.jenkins.folder;

import com.cloudbees.hudson.plugins.folder.AbstractFolder;
import hudson.Extension;
import hudson.model.ItemGroup;
import hudson.model.Job;
import io.gatehouse.jenkins.RegistryCredentialDefaults;

/**
 * The registry credential id that the nearest folder above a job sets ({@link GatehouseFolderProperty}). Links against
 * the CloudBees Folders plugin, an optional dependency: without it Jenkins does not load this optional extension.
 */
@Extension(optional = true)
public class FolderCredentials implements RegistryCredentialDefaults {
    @Override
    public String registryCredentialsId(Job<?, ?> job) {
        if (job == null) {
            return null;
        }
        for (ItemGroup<?> g = job.getParent(); g instanceof AbstractFolder<?> folder; g = folder.getParent()) {
            GatehouseFolderProperty p = folder.getProperties().get(GatehouseFolderProperty.class);
            if (p != null && p.getRegistryCredentialsId() != null) {
                return p.getRegistryCredentialsId();
            }
        }
        return null;
    }
}
