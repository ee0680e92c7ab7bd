package io.gatehouse.jenkins.folder;

import com.cloudbees.hudson.plugins.folder.AbstractFolder;
import hudson.Extension;
import hudson.model.ItemGroup;
import hudson.model.Job;
import io.gatehouse.jenkins.RegistryCredentialDefaults;

/**
 * The registry credential id that the nearest folder above a job sets ({@link GatehouseFolderProperty}). The CloudBees
 * Folders plugin is an optional dependency: this extension itself links only against our own types, so Jenkins loads
 * it either way; the folder walk lives in {@link Walk}, which links against Folders and is resolved on first use only,
 * and without Folders that resolution fails with a {@link LinkageError}, which means "no folders, no folder credential".
 * (Seen in the real controller of the E2E tests, which has no Folders plugin: a direct {@code instanceof AbstractFolder}
 * here failed every build with NoClassDefFoundError.)
 */
@Extension
public class FolderCredentials implements RegistryCredentialDefaults {
    @Override
    public String registryCredentialsId(Job<?, ?> job) {
        if (job == null) {
            return null;
        }
        try {
            return Walk.nearest(job.getParent());
        } catch (LinkageError noFoldersPlugin) {
            return null;
        }
    }

    /** Links against cloudbees-folder. */
    private static final class Walk {
        static String nearest(ItemGroup<?> start) {
            for (ItemGroup<?> g = start; g instanceof AbstractFolder<?> folder; g = folder.getParent()) {
                GatehouseFolderProperty p = folder.getProperties().get(GatehouseFolderProperty.class);
                if (p != null && p.getRegistryCredentialsId() != null) {
                    return p.getRegistryCredentialsId();
                }
            }
            return null;
        }
    }
}
