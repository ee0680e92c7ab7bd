// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/model/Descriptor.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson.model;

// Constructors are empty (not throwing) so that plugin descriptors can be instantiated in unit tests.
public abstract class Descriptor<T extends Describable<T>> {
    protected Descriptor(Class<? extends T> clazz) {
    }

    protected Descriptor() {
    }

    public String getDisplayName() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public synchronized void save() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public synchronized void load() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    // The real class also implements org.kohsuke.stapler.HttpResponse (how Jenkins shows it); we only throw it.
    public static final class FormException extends Exception {
        public FormException(String message, String formField) {
            super(message);
        }
    }
}
