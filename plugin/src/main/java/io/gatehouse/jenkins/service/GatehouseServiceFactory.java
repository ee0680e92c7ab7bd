package io.gatehouse.jenkins.service;

/** Opens a {@link GatehouseService} for one step run; a seam so that step executions can be tested without a registry. */
@FunctionalInterface
public interface GatehouseServiceFactory {
    GatehouseService open(ConnectionSettings settings, RegistryAuth auth);
}
