package io.gatehouse.jenkins;

import hudson.ProxyConfiguration;
import io.gatehouse.jenkins.service.ProxySettings;
import java.util.List;
import java.util.regex.Pattern;
import jenkins.model.Jenkins;

/**
 * Jenkins' HTTP proxy configuration ({@code Jenkins.getProxy()}, Manage Jenkins → System → HTTP Proxy Configuration)
 * as the plain {@link ProxySettings} the service layer takes. Read on every use, so a changed proxy page takes effect
 * for the next call (and {@link io.gatehouse.jenkins.service.HttpClients} rebuilds its shared client then).
 */
final class JenkinsProxy {
    private JenkinsProxy() {
    }

    static ProxySettings current() {
        ProxyConfiguration pc = Jenkins.get().getProxy();
        if (pc == null || pc.name == null || pc.name.isBlank()) {
            return ProxySettings.NONE;
        }
        String password = pc.getSecretPassword() == null ? null : pc.getSecretPassword().getPlainText();
        List<String> noProxy = pc.getNoProxyHostPatterns().stream().map(Pattern::pattern).toList();
        return new ProxySettings(pc.name.trim(), pc.port, pc.getUserName(), password, noProxy);
    }
}
