package io.gatehouse.jenkins.steps;

import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.gatehouse.jenkins.GatehouseConfiguration;
import io.gatehouse.jenkins.StepCredentials;
import io.gatehouse.jenkins.service.ConnectionSettings;
import io.gatehouse.jenkins.service.GatehouseService;
import io.gatehouse.jenkins.service.ImageArgument;
import io.gatehouse.jenkins.service.RegistryAuth;
import io.gatehouse.core.policy.PolicyValidationException;
import io.gatehouse.core.remote.RegistryException;
import io.gatehouse.core.sign.KeyFormatException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * The shared frame of the four executions: read Run and TaskListener from the context, read the global
 * configuration, resolve the registry credential against the run, open the service, then hand over to
 * {@link #execute}. Runs on a background thread (SynchronousNonBlockingStepExecution), so a long wait for a
 * scan does not block the CPS VM thread.
 *
 * <p>The context is kept in our own field as well as the superclass's: the real {@code getContext()} is final
 * state of workflow-step-api, and keeping it here lets unit tests run against the compile-only stubs.
 * Other fields are transient: these executions do not survive a controller restart (the superclass fails
 * them on resume, by design), so nothing else needs to be serialized.
 */
abstract class GatehouseStepExecution<T> extends SynchronousNonBlockingStepExecution<T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(GatehouseStepExecution.class.getName());

    private final StepContext context;
    private final transient StepEnvironment environment;

    private final transient GatehouseStep step;

    GatehouseStepExecution(GatehouseStep step, StepContext context, StepEnvironment environment) {
        super(context);
        this.step = step;
        this.context = context;
        this.environment = environment;
    }

    @Override
    protected final T run() throws Exception {
        Run<?, ?> run = context.get(Run.class);
        TaskListener listener = context.get(TaskListener.class);
        GatehouseConfiguration config = environment.configuration().get();
        ConnectionSettings settings = config.toSettings();
        RegistryAuth auth = StepCredentials.registryAuth(step.getRegistryCredentialsId(), config, run);
        GatehouseService service = environment.services().open(settings, auth);
        try {
            return execute(new Call(context, run, listener, listener.getLogger(), config, settings, auth, service, environment));
        } catch (AbortException e) {
            throw e;
        } catch (IOException | IllegalArgumentException | PolicyValidationException | RegistryException | KeyFormatException e) {
            throw expectedFailure(e);
        }
    }

    /**
     * Every failure a user can cause or meet (bad arguments, a wrong key passphrase, the registry's refusals such as
     * {@code 400 … no source tag}, an invalid policy, an unreachable registry) ends the build as one clear line.
     * workflow-job prints an {@link AbortException} as {@code ERROR: message} and any other exception with its stack
     * trace (WorkflowRun#finish, jenkinsci/workflow-job-plugin); the trace stays available in the controller's log
     * at FINE for whoever debugs the plugin. Our messages name credentials by id, never their values.
     */
    static AbortException expectedFailure(Exception e) {
        LOGGER.log(Level.FINE, "Gatehouse step failed", e);
        String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof java.net.ConnectException || e instanceof java.net.UnknownHostException
                || e instanceof java.net.SocketTimeoutException) {
            message = "cannot reach the Gatehouse registry: " + message;
        }
        AbortException abort = new AbortException(message.replace('\n', ' ').strip());
        abort.initCause(e);
        return abort;
    }

    protected abstract T execute(Call call) throws Exception;

    /** Everything one step run works with. */
    record Call(StepContext context, Run<?, ?> run, TaskListener listener, PrintStream log, GatehouseConfiguration config,
                ConnectionSettings settings, RegistryAuth registryAuth, GatehouseService service, StepEnvironment environment) {
        ImageArgument image(String text) {
            return ImageArgument.parse(text, settings.registryHost());
        }
    }
}
