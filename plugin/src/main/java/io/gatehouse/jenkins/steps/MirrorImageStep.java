package io.gatehouse.jenkins.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.jenkins.Forms;
import io.gatehouse.jenkins.StepCredentials;
import io.gatehouse.jenkins.service.AgentCredential;
import io.gatehouse.jenkins.service.ConfigChecks;
import io.gatehouse.jenkins.service.MirrorOutcome;
import io.gatehouse.jenkins.service.MirrorRequest;
import io.gatehouse.jenkins.service.RegistryAuth;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code mirrorImage(source: 'docker.io/library/alpine', target: 'mirror/alpine', tags: '^3\\.2[0-9]$',
 * platforms: 'linux/amd64,linux/arm64', credentialsId: 'dockerhub', dryRun: false)}: copies the matching upstream
 * tags into our registry (server-side by default), prints a table of tags copied and skipped and returns the
 * mirrored references with digests ({@code registry/mirror/alpine:3.20@sha256:…}).
 */
public class MirrorImageStep extends GatehouseStep {
    private final String source;
    private final String target;
    private String tags;
    private String platforms;
    private String credentialsId;
    private boolean dryRun;
    private boolean onAgent;

    @DataBoundConstructor
    public MirrorImageStep(String source, String target) {
        this.source = source;
        this.target = target;
    }

    public String getSource() { return source; }
    public String getTarget() { return target; }
    public String getTags() { return tags; }
    public String getPlatforms() { return platforms; }
    public String getCredentialsId() { return credentialsId; }
    public boolean isDryRun() { return dryRun; }
    public boolean isOnAgent() { return onAgent; }

    @DataBoundSetter public void setTags(String tags) { this.tags = blankToNull(tags); }
    @DataBoundSetter public void setPlatforms(String platforms) { this.platforms = blankToNull(platforms); }
    @DataBoundSetter public void setCredentialsId(String credentialsId) { this.credentialsId = blankToNull(credentialsId); }
    @DataBoundSetter public void setDryRun(boolean dryRun) { this.dryRun = dryRun; }
    @DataBoundSetter public void setOnAgent(boolean onAgent) { this.onAgent = onAgent; }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context, StepEnvironment.defaults());
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    static final class Execution extends GatehouseStepExecution<List<String>> {
        private static final long serialVersionUID = 1L;
        private final transient MirrorImageStep step;

        Execution(MirrorImageStep step, StepContext context, StepEnvironment environment) {
            super(step, context, environment);
            this.step = step;
        }

        @Override
        protected List<String> execute(Call call) throws Exception {
            if (step.source == null || step.source.isBlank()) {
                throw new AbortException("mirrorImage: source is required, e.g. source: 'docker.io/library/alpine'");
            }
            RepositoryName.of(step.target == null ? "" : step.target.trim());
            if (step.tags != null) {
                try {
                    Pattern.compile(step.tags);
                } catch (PatternSyntaxException e) {
                    throw new AbortException("mirrorImage: tags is not a valid regular expression: " + e.getDescription());
                }
            }
            FilePath workspace = null;
            if (step.onAgent) {
                workspace = call.context().get(FilePath.class);
                if (workspace == null) {
                    throw new AbortException("mirrorImage: onAgent: true copies on the agent of the workspace: call it inside node { }");
                }
            }
            RegistryAuth upstream = StepCredentials.registryAuth(step.credentialsId, call.run());
            call.log().printf("Mirroring %s → %s/%s%s%s%s%n", step.source, call.settings().registryHost(), step.target.trim(),
                    step.tags == null ? "" : " (tags matching " + step.tags + ")", step.dryRun ? " [dry run]" : "",
                    step.onAgent ? " on the agent" : "");
            MirrorRequest request = new MirrorRequest(step.source.trim(), step.target.trim(), step.tags, step.platforms, upstream, step.dryRun);
            MirrorOutcome outcome;
            if (workspace != null) {
                // The agent never gets the registry credential itself: a token for the target repository only, for minutes.
                AgentCredential agent = call.service().agentCredential(List.of("repository:" + step.target.trim() + ":pull,push"));
                call.log().println("The agent gets " + agent.describe());
                outcome = workspace.act(new AgentMirror(call.settings().forAgent(), agent.auth(), request));
            } else {
                outcome = call.service().mirror(request);
            }
            Table table = new Table("TAG", "ACTION", "DIGEST", "NOTE");
            List<String> mirrored = new ArrayList<>();
            int copied = 0;
            int planned = 0;
            int skipped = 0;
            for (MirrorOutcome.Row row : outcome.rows()) {
                table.row(row.tag(), row.action(), row.digest() == null ? "-" : row.digest(), row.reason() == null ? "" : row.reason());
                if ("copied".equals(row.action())) {
                    copied++;
                } else if ("planned".equals(row.action())) {
                    planned++;
                } else {
                    skipped++;
                }
                if (row.digest() != null && !"failed".equals(row.action())) {
                    mirrored.add(row.reference() + "@" + row.digest());
                }
            }
            table.print(call.log());
            call.log().printf(planned > 0 ? "%d copied, %d to copy, %d skipped%n" : "%d copied, %3$d skipped%n", copied, planned, skipped);
            List<String> failed = outcome.rows().stream().filter(r -> "failed".equals(r.action()) || "stopped".equals(r.action()))
                    .map(r -> r.tag() + ": " + r.reason()).toList();
            if (!failed.isEmpty()) {
                throw new AbortException("mirrorImage: " + failed.size() + " tag(s) not mirrored:\n  " + String.join("\n  ", failed));
            }
            return mirrored;
        }
    }

    @Extension
    @Symbol("mirrorImage")
    public static class DescriptorImpl extends GatehouseStepDescriptor {
        @Override
        public String getFunctionName() {
            return "mirrorImage";
        }

        @Override
        public String getDisplayName() {
            return "Mirror an upstream image into the Gatehouse registry";
        }


        @POST
        public FormValidation doCheckTarget(@AncestorInPath Item item, @QueryParameter String value) {
            Forms.checkConfigure(item);
            return Forms.toFormValidation(ConfigChecks.repository(value));
        }

        @POST
        public FormValidation doCheckTags(@AncestorInPath Item item, @QueryParameter String value) {
            Forms.checkConfigure(item);
            if (value == null || value.isBlank()) {
                return FormValidation.ok();
            }
            try {
                Pattern.compile(value);
                return FormValidation.ok();
            } catch (PatternSyntaxException e) {
                return FormValidation.error("Not a regular expression: " + e.getDescription());
            }
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId,
                                                     @QueryParameter String source) {
            return CredentialLists.usernamePasswordOrToken(item, credentialsId, upstreamUri(source));
        }

        /** https://host of the upstream named by {@code source}, for the credential domain filter; null when unparsable. */
        static String upstreamUri(String source) {
            try {
                return "https://" + io.gatehouse.jenkins.service.ImageArgument.parse(source, "docker.io").registry();
            } catch (RuntimeException e) {
                return null;
            }
        }
    }
}
