// Source: jenkinsci/remoting@3261.v9c670a_4748a_9 src/main/java/hudson/remoting/VirtualChannel.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson.remoting;

public interface VirtualChannel {
}
