// Source: jenkinsci/cloudbees-folder-plugin@6.955.v81e2a_35c08d3 src/main/java/com/cloudbees/hudson/plugins/folder/AbstractFolderProperty.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package com.cloudbees.hudson.plugins.folder;

import hudson.ExtensionPoint;
import hudson.model.AbstractDescribableImpl;

public abstract class AbstractFolderProperty<C extends AbstractFolder<?>> extends AbstractDescribableImpl<AbstractFolderProperty<?>> implements ExtensionPoint {
}
