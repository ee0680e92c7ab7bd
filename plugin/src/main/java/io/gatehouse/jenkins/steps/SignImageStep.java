package io.gatehouse.jenkins.steps;

import hudson.Extension;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.gatehouse.jenkins.Forms;
import io.gatehouse.jenkins.StepCredentials;
import io.gatehouse.jenkins.service.ConfigChecks;
import io.gatehouse.jenkins.service.ImageArgument;
import io.gatehouse.jenkins.service.SignatureOutcome;
import io.gatehouse.jenkins.service.SigningKey;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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
 * {@code signImage(image: 'dev/alpine:3.20', keyCredentialsId: 'release-key')}: signs the image's digest (a tag
 * is resolved first; the signature never names a tag) with a key from a secret-file credential (PEM or cosign key)
 * and an optional secret-text passphrase ({@code passphraseCredentialsId}). Returns
 * {@code [imageDigest:…, signatureDigest:…, keyId:…]}.
 */
public class SignImageStep extends GatehouseStep {
    private final String image;
    private final String keyCredentialsId;
    private String passphraseCredentialsId;

    @DataBoundConstructor
    public SignImageStep(String image, String keyCredentialsId) {
        this.image = image;
        this.keyCredentialsId = keyCredentialsId;
    }

    public String getImage() { return image; }
    public String getKeyCredentialsId() { return keyCredentialsId; }
    public String getPassphraseCredentialsId() { return passphraseCredentialsId; }

    @DataBoundSetter
    public void setPassphraseCredentialsId(String passphraseCredentialsId) {
        this.passphraseCredentialsId = MirrorImageStep.blankToNull(passphraseCredentialsId);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context, StepEnvironment.defaults());
    }

    static final class Execution extends GatehouseStepExecution<Map<String, String>> {
        private static final long serialVersionUID = 1L;
        private final transient SignImageStep step;

        Execution(SignImageStep step, StepContext context, StepEnvironment environment) {
            super(step, context, environment);
            this.step = step;
        }

        @Override
        protected Map<String, String> execute(Call call) throws Exception {
            ImageArgument image = call.image(step.image);
            SigningKey key = StepCredentials.signingKey(step.keyCredentialsId, step.passphraseCredentialsId, call.run());
            try {
                call.log().printf("Signing %s with the key in credentials '%s'%n", image, step.keyCredentialsId);
                SignatureOutcome out = call.service().sign(image, key);
                if (out.alreadySigned()) {
                    call.log().printf("%s@%s is already signed by key %s for this name: nothing written (signature %s)%n",
                            image.repository(), out.imageDigest(), out.keyId(), out.signatureDigest());
                } else {
                    call.log().printf("Signed %s@%s: signature %s, key %s%n", image.repository(), out.imageDigest(), out.signatureDigest(), out.keyId());
                }
                Map<String, String> result = new LinkedHashMap<>();
                result.put("imageDigest", out.imageDigest());
                result.put("signatureDigest", out.signatureDigest());
                result.put("keyId", out.keyId());
                return result;
            } finally {
                // Do not leave key material in the heap longer than the call.
                Arrays.fill(key.keyBytes(), (byte) 0);
                if (key.passphrase() != null) {
                    Arrays.fill(key.passphrase(), '\0');
                }
            }
        }
    }

    @Extension
    @Symbol("signImage")
    public static class DescriptorImpl extends GatehouseStepDescriptor {
        @Override
        public String getFunctionName() {
            return "signImage";
        }

        @Override
        public String getDisplayName() {
            return "Sign an image digest with a key from a Jenkins credential";
        }



        @POST
        public ListBoxModel doFillKeyCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String keyCredentialsId) {
            return CredentialLists.secretFiles(item, keyCredentialsId);
        }

        @POST
        public ListBoxModel doFillPassphraseCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String passphraseCredentialsId) {
            return CredentialLists.secretTexts(item, passphraseCredentialsId);
        }
    }
}
