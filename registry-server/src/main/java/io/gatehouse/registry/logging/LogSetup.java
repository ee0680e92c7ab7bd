package io.gatehouse.registry.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The registry's logging, set up in code: found by Logback through {@code META-INF/services}, before it would look
 * for a {@code logback.xml}. Parsing an XML configuration loaded an XML parser and Joran's model classes on every
 * start, about a tenth of the CPU time to the first answer (issue #13, item 10, {@code bench/startup.sh}).
 *
 * <p>{@code serve} logs INFO to standard output; the other commands set {@code gatehouse.log.level=WARN} and
 * {@code gatehouse.log.target=System.err} ({@code Main}). An operator's own file still wins: with
 * {@code -Dlogback.configurationFile=…} this steps aside and Logback reads that file.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{24} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        // an operator's file, or the tests' logback-test.xml on the classpath, is read by Logback's own configurator
        if (System.getProperty("logback.configurationFile") != null
                || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setTarget("System.err".equals(System.getProperty("gatehouse.log.target")) ? "System.err" : "System.out");
        console.setEncoder(encoder);
        console.start();
        // libraries speak only when something is wrong: their INFO lines say what our own lines already say
        for (String quiet : new String[]{"com.zaxxer.hikari", "org.flywaydb", "org.eclipse.jetty"}) {
            context.getLogger(quiet).setLevel(Level.WARN);
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty("gatehouse.log.level"), Level.INFO));
        root.addAppender(console);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
