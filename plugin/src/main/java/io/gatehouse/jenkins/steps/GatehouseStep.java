package io.gatehouse.jenkins.steps;

import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * What every Gatehouse step takes besides its own arguments: {@code registryCredentialsId}, the registry credential
 * of this call (a service account with only the roles this pipeline needs) instead of the global one. It is resolved
 * in the job's context with the run's authentication (see {@link io.gatehouse.jenkins.StepCredentials}).
 */
public abstract class GatehouseStep extends Step {
    private String registryCredentialsId;

    public String getRegistryCredentialsId() {
        return registryCredentialsId;
    }

    @DataBoundSetter
    public void setRegistryCredentialsId(String registryCredentialsId) {
        this.registryCredentialsId = MirrorImageStep.blankToNull(registryCredentialsId);
    }
}
