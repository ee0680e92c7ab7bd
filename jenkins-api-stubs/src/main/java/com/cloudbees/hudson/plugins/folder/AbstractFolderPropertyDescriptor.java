// Source: jenkinsci/cloudbees-folder-plugin@6.955.v81e2a_35c08d3 src/main/java/com/cloudbees/hudson/plugins/folder/AbstractFolderPropertyDescriptor.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package com.cloudbees.hudson.plugins.folder;

import hudson.model.Descriptor;

public abstract class AbstractFolderPropertyDescriptor extends Descriptor<AbstractFolderProperty<?>> {
}
