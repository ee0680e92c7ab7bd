package io.gatehouse.jenkins.folder;

import com.cloudbees.hudson.plugins.folder.AbstractFolder;
import hudson.model.ItemGroup;
import hudson.model.Job;

/**
 * The registry credential id a folder above a job sets ({@link GatehouseFolderProperty}), nearest folder first.
 * Callers go through {@link #nearest(Job)} only: this class links against the CloudBees Folders plugin, an optional
 * dependency, so it is loaded only when called, and a missing plugin shows as a {@link LinkageError} there.
 */
public final class FolderCredentials {
    private FolderCredentials() {
    }

    /** The nearest folder's Gatehouse credential id above {@code job}, or null (none, or no folders plugin). */
    public static String nearest(Job<?, ?> job) {
        if (job == null) {
            return null;
        }
        try {
            return Lookup.nearest(job.getParent());
        } catch (LinkageError noFoldersPlugin) {
            return null;
        }
    }

    /** Links against cloudbees-folder; loaded on first use only. */
    private static final class Lookup {
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
