package io.gatehouse.jenkins;

import hudson.ExtensionPoint;
import hudson.model.Job;

/**
 * Where a job's default registry credential may come from besides the global configuration, e.g. the folders above
 * it ({@link io.gatehouse.jenkins.folder.FolderCredentials}). An extension point rather than a direct call so that the
 * implementation linking against an optional plugin (CloudBees Folders) stays in its own package, which a build
 * without that plugin (-Pjenkins against ../shared/jenkins) can leave out, and the rest of the plugin never links
 * against it.
 */
public interface RegistryCredentialDefaults extends ExtensionPoint {
    /** The credential id for {@code job}, or null when this source has none. */
    String registryCredentialsId(Job<?, ?> job);
}
