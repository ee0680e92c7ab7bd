package io.gatehouse.jenkins.steps;

import hudson.remoting.VirtualChannel;
import io.gatehouse.jenkins.service.ConnectionSettings;
import io.gatehouse.jenkins.service.LocalMirror;
import io.gatehouse.jenkins.service.MirrorOutcome;
import io.gatehouse.jenkins.service.MirrorRequest;
import io.gatehouse.jenkins.service.RegistryAuth;
import java.io.File;
import java.io.IOException;
import jenkins.MasterToSlaveFileCallable;

/**
 * mirrorImage with {@code onAgent: true}: sent to the agent of the workspace (FilePath.act) and run there with core's
 * copy engine, so layers go upstream → agent → registry. Everything it carries is serializable and contains no
 * Jenkins object. It carries the upstream credential the step names (the agent pulls with it) and, for our registry,
 * only a short-lived token limited to the target repository ({@link io.gatehouse.jenkins.service.AgentCredential}),
 * never the registry service account's secret: an agent is less trusted than the controller.
 */
final class AgentMirror extends MasterToSlaveFileCallable<MirrorOutcome> {
    private static final long serialVersionUID = 1L;

    private final ConnectionSettings settings;
    private final RegistryAuth registryAuth;
    private final MirrorRequest request;

    AgentMirror(ConnectionSettings settings, RegistryAuth registryAuth, MirrorRequest request) {
        this.settings = settings;
        this.registryAuth = registryAuth;
        this.request = request;
    }

    @Override
    public MirrorOutcome invoke(File workspace, VirtualChannel channel) throws IOException {
        return new LocalMirror(settings, registryAuth).run(request);
    }
}
