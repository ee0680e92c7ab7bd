package io.gatehouse.registry.http;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;

/**
 * Tells Jetty how many object references share a cache line before its first queue is made. Without the hint, Jetty's
 * {@code MemoryUtils} starts the platform MBean server (every platform MBean, JFR's diagnostic commands) only to ask
 * whether compressed oops are on: about a tenth of a second of a registry's start on two cores (issue #13 item 10).
 * The same answer comes from the diagnostic MXBean alone. A value the operator set is left alone.
 */
public final class JettyMemoryHint {
    static final String PROPERTY = "org.eclipse.jetty.util.referencesPerCacheLine";

    private JettyMemoryHint() {
    }

    public static void apply() {
        if (System.getProperty(PROPERTY) != null) return;
        try {
            int cacheLine = Integer.getInteger("org.eclipse.jetty.util.cacheLineBytes", 64);
            boolean compressed = Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseCompressedOops").getValue());
            System.setProperty(PROPERTY, Integer.toString(cacheLine / (compressed ? 4 : 8)));
        } catch (RuntimeException e) {
            // not a HotSpot JVM: Jetty asks in its own way
        }
    }
}
