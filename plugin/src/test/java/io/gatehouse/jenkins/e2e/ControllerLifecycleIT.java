package io.gatehouse.jenkins.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What happens around the builds: a cron trigger firing a mirror job, and a controller restart between two builds
 * (jobs, build records, credentials and the Gatehouse configuration come back from JENKINS_HOME).
 */
@ExtendWith(E2E.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllerLifecycleIT {
    @Test
    @Order(1)
    void theCronTriggeredMirrorJobFires() throws Exception {
        RealJenkins j = E2E.jenkins();
        // created when the environment started (E2E); timer triggers are checked once a minute
        RealJenkins.Build b = j.awaitBuild(E2E.CRON_JOB, 1, Instant.now().plus(Duration.ofMinutes(4)));
        // no more runs every minute for the rest of the suite
        j.post("/job/" + E2E.CRON_JOB + "/disable", "application/x-www-form-urlencoded", "");
        assertThat(b.result()).as(b.console()).isEqualTo("SUCCESS");
        assertThat(b.console()).contains("Started by timer", "1 copied");
        assertThat(E2E.registry().digestOf("cron/base:1.0")).isEqualTo(E2E.registry().upstreamDigest);
    }

    @Test
    @Order(2)
    void aRestartBetweenBuildsKeepsJobsCredentialsAndConfiguration() throws Exception {
        RealJenkins j = E2E.jenkins();
        E2E.configure(Map.of("no-critical", PipelineStepsIT.NO_CRITICAL));
        j.pipeline("survivor", """
                def s = scanImage(image: 'team/app:clean', policy: 'no-critical')
                def r = signImage(image: 'team/app:clean', keyCredentialsId: '%s', passphraseCredentialsId: '%s')
                echo "ok critical=${s.critical} key=${r.keyId}"
                """.formatted(E2E.KEY, E2E.KEY_PASSPHRASE));
        RealJenkins.Build before = j.build("survivor");
        assertThat(before.result()).as(before.console()).isEqualTo("SUCCESS");

        j.restart();

        assertThat(j.groovy("println io.gatehouse.jenkins.GatehouseConfiguration.get().policies*.name"))
                .contains("[no-critical]");
        RealJenkins.Build after = j.build("survivor");
        assertThat(after.number()).isEqualTo(before.number() + 1);
        assertThat(after.result()).as(after.console()).isEqualTo("SUCCESS");
        assertThat(after.console()).contains("ok critical=0 key=" + E2E.signingKey().keyId());
        assertThat(j.console("survivor", before.number())).contains("ok critical=0");
    }
}
