package io.gatehouse.jenkins.service;

import java.io.IOException;
import java.time.Duration;

/**
 * What the four Pipeline steps need from the registry, and nothing more.
 *
 * <p>WHY an interface of our own: the Jenkins-facing classes must stay thin and unit-testable (Mockito for
 * StepContext/Run/TaskListener, a mock of this where a step's own logic is under test, the real registry on loopback
 * elsewhere). {@link RegistryGatehouseService} is the real implementation, over core (remote, copy, sign, policy,
 * report) and the registry's /api/v1. No Jenkins type appears here, so this package could move to core unchanged.
 */
public interface GatehouseService {

    /** Mirrors {@code request.source()} into {@code request.target()}, server-side in the registry. */
    MirrorOutcome mirror(MirrorRequest request) throws IOException, InterruptedException;

    /**
     * Reuses (or waits for) the registry's scan report of {@code image}, at most {@code wait}; evaluates the policy
     * when {@code policyDocument} is given (a named policy of the global configuration; {@code policy} is its name).
     */
    ScanSummary scan(ImageArgument image, String policy, String policyDocument, Duration wait) throws IOException, InterruptedException;

    /**
     * Asks the registry to promote {@code image} by the named {@code policy} (published in the registry; its promotion
     * section must name {@code targetRepository}); the registry evaluates it and, when it holds, copies by digest.
     */
    PromotionOutcome promote(ImageArgument image, String targetRepository, String policy) throws IOException, InterruptedException;

    /** Publishes a policy document to the registry (a new version only when it differs from the registry's latest). */
    PolicyPublication publishPolicy(String document) throws IOException, InterruptedException;

    /**
     * What to give a process less trusted than the controller (a Jenkins agent) instead of our registry credential:
     * a short-lived bearer token from the registry's token service for exactly {@code scopes}
     * ({@code repository:mirror/alpine:pull,push}), {@link RegistryAuth#ANONYMOUS} when the registry needs no
     * authentication. Never our password: when no scoped token can be had, this fails.
     */
    AgentCredential agentCredential(java.util.List<String> scopes) throws IOException, InterruptedException;

    /** Signs the image's digest (never the tag) with {@code key}. */
    SignatureOutcome sign(ImageArgument image, SigningKey key) throws IOException, InterruptedException;
}
