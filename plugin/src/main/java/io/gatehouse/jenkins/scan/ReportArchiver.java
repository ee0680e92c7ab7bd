package io.gatehouse.jenkins.scan;

import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import jenkins.util.BuildListenerAdapter;

/** Attaches a file to a build as an artifact. A seam: unit tests capture what would be archived. */
@FunctionalInterface
public interface ReportArchiver {

    void archive(Run<?, ?> run, TaskListener listener, String artifactPath, String content) throws IOException, InterruptedException;

    /**
     * Through the run's ArtifactManager (so artifact-manager plugins such as S3 see it too), from a temporary
     * folder on the controller: the report came from the registry, not from a workspace, so no node is needed.
     */
    ReportArchiver ARTIFACTS = (run, listener, artifactPath, content) -> {
        Path dir = Files.createTempDirectory("gatehouse-report");
        try {
            Path file = dir.resolve(artifactPath);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            run.pickArtifactManager().archive(new FilePath(dir.toFile()), null, BuildListenerAdapter.wrap(listener),
                    Map.of(artifactPath, artifactPath));
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    };
}
