package io.gatehouse.jenkins.build;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * A build-time stand-in for annotation-indexer's {@code AnnotationProcessorImpl}
 * (jenkinsci/lib-annotation-indexer@annotation-indexer-1.17), which is not on Maven Central.
 *
 * <p>WHY: Jenkins finds {@code @Symbol} names (the {@code mirrorImage(...)} in a Jenkinsfile, the
 * {@code gatehouse:} key in Configuration as Code) through {@code org.jvnet.hudson.annotation_indexer.Index},
 * which reads {@code META-INF/services/annotations/<annotation FQCN>} (and the older {@code META-INF/annotations/}).
 * Without that file the symbols silently do not exist. We write the same file the real processor writes:
 * for every annotation type meta-annotated with {@code @Indexed}, the binary names of the classes that carry it
 * (the enclosing class for members), sorted, one per line, UTF-8, in {@code META-INF/services/annotations/}.
 * Validators are not supported (the real processor does not run them either: "TODO: validator support").
 * The .hpi test (GatehouseHpiIT) checks the result lists every step.
 */
@SupportedAnnotationTypes("*")
public class SymbolIndexProcessor extends AbstractProcessor {

    static final String INDEXED = "org.jvnet.hudson.annotation_indexer.Indexed";
    static final String PREFIX = "META-INF/services/annotations/";

    private final Map<String, Set<String>> uses = new HashMap<>();
    private final Map<String, Set<Element>> origins = new HashMap<>();

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latest();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment roundEnv) {
        if (roundEnv.errorRaised()) {
            return false;
        }
        if (roundEnv.processingOver()) {
            write();
            return false;
        }
        for (TypeElement annotation : annotations) {
            if (!isIndexed(annotation)) {
                continue;
            }
            String name = processingEnv.getElementUtils().getBinaryName(annotation).toString();
            for (Element element : roundEnv.getElementsAnnotatedWith(annotation)) {
                TypeElement type = switch (element.getKind()) {
                    case CLASS, INTERFACE, ANNOTATION_TYPE, ENUM, RECORD -> (TypeElement) element;
                    case METHOD, FIELD, CONSTRUCTOR -> (TypeElement) element.getEnclosingElement();
                    default -> null;
                };
                if (type == null) {
                    continue;
                }
                uses.computeIfAbsent(name, k -> new TreeSet<>()).add(processingEnv.getElementUtils().getBinaryName(type).toString());
                origins.computeIfAbsent(name, k -> new HashSet<>()).add(element);
            }
        }
        // Claim nothing: sezpoz and other processors must still see @Extension and friends.
        return false;
    }

    private boolean isIndexed(TypeElement annotation) {
        for (AnnotationMirror meta : annotation.getAnnotationMirrors()) {
            TypeElement metaType = (TypeElement) meta.getAnnotationType().asElement();
            if (processingEnv.getElementUtils().getBinaryName(metaType).contentEquals(INDEXED)) {
                return true;
            }
        }
        return false;
    }

    private void write() {
        for (Map.Entry<String, Set<String>> use : uses.entrySet()) {
            try {
                FileObject out = processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "",
                        PREFIX + use.getKey(), origins.get(use.getKey()).toArray(new Element[0]));
                try (PrintWriter w = new PrintWriter(new OutputStreamWriter(out.openOutputStream(), StandardCharsets.UTF_8))) {
                    for (String className : use.getValue()) {
                        w.println(className);
                    }
                }
            } catch (IOException e) {
                processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "cannot write " + PREFIX + use.getKey() + ": " + e);
            }
        }
    }
}
