// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/model/Queue.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson.model;

public class Queue {
    private Queue() {
    }

    public interface Task extends ModelObject {
    }
}
