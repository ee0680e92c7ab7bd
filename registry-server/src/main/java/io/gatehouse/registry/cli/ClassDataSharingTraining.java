package io.gatehouse.registry.cli;

import io.gatehouse.registry.RegistryServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * The request of the build's training run for the class data sharing archive ({@code gatehouse.jsa}): the JVM
 * records every class loaded until it exits, so the run makes the request whose answer a restarted registry is
 * measured by (the first {@code GET /v2/}). A failure only makes a smaller archive; the build goes on.
 */
final class ClassDataSharingTraining {
    private ClassDataSharingTraining() {
    }

    static void firstRequest(RegistryServer server) {
        String base = "http://127.0.0.1:" + server.port();
        for (String path : new String[]{"/v2/", "/healthz"}) {
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(base + path).openConnection();
                c.setConnectTimeout(10_000);
                c.setReadTimeout(10_000);
                int code = c.getResponseCode();
                try (InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream()) {
                    if (in != null) in.readAllBytes();
                }
            } catch (IOException e) {
                System.err.println("class data sharing training: " + path + " failed: " + e.getMessage());
            }
        }
    }
}
