package io.gatehouse.jenkins;

import hudson.ExtensionPoint;
import hudson.model.Job;

/**
 * Where a job's default registry credential may come from besides the global configuration, e.g. the folders above
 * it ({@link io.gatehouse.jenkins.folder.FolderCredentials}). An extension point rather than a direct call so that an
 * implementation linking against an optional plugin (CloudBees Folders) is simply not loaded when that plugin is
 * absent (an optional {@code @Extension}), and the rest of the plugin never links against it.
 */
public interface RegistryCredentialDefaults extends ExtensionPoint {
    /** The credential id for {@code job}, or null when this source has none. */
    String registryCredentialsId(Job<?, ?> job);
}
