package io.gatehouse.jenkins.steps;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockConstruction;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import com.cloudbees.plugins.credentials.domains.URIRequirementBuilder;
import hudson.model.Item;
import hudson.model.Queue;
import hudson.model.queue.Tasks;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;
import org.mockito.MockedConstruction;
import org.mockito.MockedStatic;
import org.springframework.security.core.Authentication;

/**
 * The snippet generator's credential dropdowns list what a build of the job could resolve: as the authentication the
 * job runs as ({@code Tasks.getAuthenticationOf2}), not as SYSTEM, and only credentials whose domain fits the host.
 */
class CredentialListsTest {
    @Test
    void aJobsDropdownListsAsTheJobRunsAndForTheRegistrysDomain() {
        Item job = mock(Item.class, withSettings().extraInterfaces(Queue.Task.class));
        when(job.hasPermission(any())).thenReturn(true);
        Authentication runsAs = mock(Authentication.class);
        List<DomainRequirement> forTheRegistry = List.of(new DomainRequirement());
        URIRequirementBuilder builder = mock(URIRequirementBuilder.class);
        when(builder.build()).thenReturn(forTheRegistry);
        try (MockedStatic<Tasks> tasks = mockStatic(Tasks.class);
             MockedStatic<URIRequirementBuilder> uri = mockStatic(URIRequirementBuilder.class);
             MockedConstruction<StandardListBoxModel> models = mockConstruction(StandardListBoxModel.class,
                     withSettings().defaultAnswer(Answers.RETURNS_SELF))) {
            tasks.when(() -> Tasks.getAuthenticationOf2((Queue.Task) job)).thenReturn(runsAs);
            uri.when(() -> URIRequirementBuilder.fromUri("https://registry.example.com")).thenReturn(builder);

            CredentialLists.usernamePasswordOrToken(job, "current", "https://registry.example.com");
            StandardListBoxModel m = models.constructed().get(0);
            verify(m).includeAs(runsAs, job, StandardUsernamePasswordCredentials.class, forTheRegistry);
            verify(m).includeAs(runsAs, job, StringCredentials.class, forTheRegistry);
            verify(m).includeCurrentValue("current");

            CredentialLists.secretFiles(job, null);
            verify(models.constructed().get(1)).includeAs(runsAs, job, FileCredentials.class, List.of());
        }
    }

    @Test
    void someoneWhoMayNotConfigureTheJobSeesOnlyTheCurrentValue() {
        Item job = mock(Item.class, withSettings().extraInterfaces(Queue.Task.class));
        when(job.hasPermission(any())).thenReturn(false);
        try (MockedConstruction<StandardListBoxModel> models = mockConstruction(StandardListBoxModel.class,
                withSettings().defaultAnswer(Answers.RETURNS_SELF))) {
            CredentialLists.usernamePasswordOrToken(job, "current", "https://registry.example.com");
            StandardListBoxModel m = models.constructed().get(0);
            verify(m).includeCurrentValue("current");
            verify(m, never()).includeAs(any(org.springframework.security.core.Authentication.class), any(Item.class), any(), any());
        }
    }
}
