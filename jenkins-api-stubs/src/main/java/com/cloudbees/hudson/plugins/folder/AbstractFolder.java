// Source: jenkinsci/cloudbees-folder-plugin@6.955.v81e2a_35c08d3 src/main/java/com/cloudbees/hudson/plugins/folder/AbstractFolder.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package com.cloudbees.hudson.plugins.folder;

import hudson.model.ItemGroup;
import hudson.model.TopLevelItem;
import hudson.util.DescribableList;

public abstract class AbstractFolder<I extends TopLevelItem> implements ItemGroup<I> {
    private AbstractFolder() {
    }

    public ItemGroup getParent() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public DescribableList<AbstractFolderProperty<?>, AbstractFolderPropertyDescriptor> getProperties() {
        throw new UnsupportedOperationException("compile-only stub");
    }
}
