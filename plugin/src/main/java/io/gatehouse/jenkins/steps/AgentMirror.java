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
 * Jenkins object; the credentials travel over the (encrypted) remoting channel as they would for any build step.
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
