package io.gatehouse.jenkins;

/**
 * A GatehouseConfiguration without Jenkins behind it: no XML file to load, and save() a no-op
 * (the real one writes $JENKINS_HOME/io.gatehouse.jenkins.GatehouseConfiguration.xml).
 */
public final class TestConfigurations {
    private TestConfigurations() {
    }

    public static GatehouseConfiguration unsaved() {
        return new GatehouseConfiguration(false) {
            @Override
            public synchronized void save() {
            }

            @Override
            protected io.gatehouse.jenkins.service.ProxySettings proxySettings() {
                return io.gatehouse.jenkins.service.ProxySettings.NONE;
            }
        };
    }

    public static GatehouseConfiguration of(String registryUrl, String credentialsId) {
        GatehouseConfiguration c = unsaved();
        c.setRegistryUrl(registryUrl);
        c.setCredentialsId(credentialsId);
        return c;
    }
}
