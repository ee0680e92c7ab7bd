package io.gatehouse.registry.trust;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.report.ScanReport;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.content.RegistryEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Docker Trusted Registry's automatic promotion: when a scan report lands for an image (a manifest of
 * artifactType {@link ScanReport#MEDIA_TYPE} whose subject is the image), every policy attached to the image's
 * repository is evaluated and the image promoted where it passes. The work runs on {@code executor}, never on the
 * request thread.
 */
public final class AutoPromotion implements RegistryEvents {
    private static final Logger LOG = LoggerFactory.getLogger(AutoPromotion.class);
    private final ContentService content;
    private final PolicyStore policies;
    private final Promoter promoter;
    private final Executor executor;
    private final Consumer<Promoter.Result> results;

    /** @param results told of every outcome (audit, metrics, tests) */
    public AutoPromotion(ContentService content, PolicyStore policies, Promoter promoter, Executor executor, Consumer<Promoter.Result> results) {
        this.content = content;
        this.policies = policies;
        this.promoter = promoter;
        this.executor = executor;
        this.results = results;
    }

    @Override
    public void manifestPushed(String repository, Digest digest, String mediaType, String tag, Digest subject,
                               String artifactType, Principal principal) {
        if (subject == null || !ScanReport.MEDIA_TYPE.equals(artifactType)) return;
        executor.execute(() -> run(repository, subject));
    }

    private void run(String repository, Digest image) {
        for (String name : policies.autoPromotions(repository)) {
            try {
                var policy = policies.latest(name).orElseThrow().policy();
                List<String> tags = content.tagsOf(repository, image);
                String reference = tags.isEmpty() ? image.toString() : tags.get(0);
                Promoter.Result r = promoter.promote(repository, reference, policy, Trust.SYSTEM);
                LOG.info("automatic promotion of {}@{} by policy {}: {}", repository, image, name,
                        r.promoted() ? "promoted to " + r.targetRepository() + ":" + r.targetTag() : "refused");
                results.accept(r);
            } catch (RuntimeException e) {
                LOG.warn("automatic promotion of {}@{} by policy {} failed: {}", repository, image, name, e.toString());
            }
        }
    }
}
