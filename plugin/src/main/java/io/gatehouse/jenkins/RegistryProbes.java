package io.gatehouse.jenkins;

import hudson.AbortException;
import io.gatehouse.jenkins.service.Check;
import io.gatehouse.jenkins.service.ConnectionSettings;
import io.gatehouse.jenkins.service.ImageArgument;
import io.gatehouse.jenkins.service.RegistryGatehouseService;
import java.time.Duration;

/**
 * The form checks that ask the registry (when the user leaves an image or policy field of the snippet generator), with
 * the global configuration and credential, as a build without its own registryCredentialsId would. Quick or silent:
 * a 5-second connect timeout, and a registry that is not configured or not reachable gives a warning, never an error.
 */
public final class RegistryProbes {
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private RegistryProbes() {
    }

    /** Whether the registry holds {@code image} (the syntax was checked before). */
    public static Check image(String image) {
        RegistryGatehouseService registry;
        try {
            registry = open();
        } catch (AbortException e) {
            return Check.warning(e.getMessage());
        }
        if (registry == null) {
            return Check.ok();
        }
        ImageArgument parsed = ImageArgument.parse(image, registry.registryHost());
        return registry.probeImage(parsed);
    }

    /** promoteImage: whether {@code policy} is published and promotes to {@code target}, or will be published first. */
    public static Check promotionPolicy(String policy, String target) {
        GatehouseConfiguration config = GatehouseConfiguration.get();
        if (config.isPublishPolicies() && config.findPolicy(policy) != null) {
            return Check.ok("Defined in the Gatehouse configuration; published to the registry before promoting");
        }
        RegistryGatehouseService registry;
        try {
            registry = open();
        } catch (AbortException e) {
            return Check.warning(e.getMessage());
        }
        return registry == null ? Check.ok() : registry.probePolicy(policy, target);
    }

    /** scanImage: named policies are evaluated by the plugin, so it must be one of the global configuration. */
    public static Check scanPolicy(String policy) {
        if (policy == null || policy.isBlank()) {
            return Check.ok();
        }
        return GatehouseConfiguration.get().findPolicy(policy.trim()) != null ? Check.ok()
                : Check.error("No named policy '" + policy.trim() + "' in Manage Jenkins → System → Gatehouse");
    }

    /** Null when no registry is configured (nothing to check against). */
    private static RegistryGatehouseService open() throws AbortException {
        GatehouseConfiguration config = GatehouseConfiguration.get();
        if (config.getRegistryUrl() == null) {
            return null;
        }
        ConnectionSettings s = config.toSettings();
        ConnectionSettings quick = new ConnectionSettings(s.registryUrl(), s.caCertificatePem(), s.insecure(), TIMEOUT, s.proxy());
        return new RegistryGatehouseService(quick, StepCredentials.globalRegistryAuth(config.getCredentialsId(), config.getRegistryUrl()));
    }
}
