package io.gatehouse.jenkins.steps;

import io.gatehouse.jenkins.GatehouseConfiguration;
import io.gatehouse.jenkins.scan.ReportArchiver;
import io.gatehouse.jenkins.service.GatehouseServiceFactory;
import io.gatehouse.jenkins.service.RegistryGatehouseService;
import java.util.function.Supplier;

/**
 * What a step execution needs from outside itself, passed in its constructor: the global configuration,
 * the way to open the registry service, and the way to archive a report. Jenkins uses {@link #defaults()};
 * unit tests pass their own (Mockito for Jenkins types; a mock service, or the real one against a registry on loopback).
 */
public record StepEnvironment(Supplier<GatehouseConfiguration> configuration, GatehouseServiceFactory services, ReportArchiver archiver) {
    public static StepEnvironment defaults() {
        return new StepEnvironment(GatehouseConfiguration::get, RegistryGatehouseService::new, ReportArchiver.ARTIFACTS);
    }
}
