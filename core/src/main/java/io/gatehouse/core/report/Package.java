package io.gatehouse.core.report;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One installed package found in an image.
 *
 * @param type          the ecosystem: {@code deb}, {@code apk}, {@code maven}, {@code npm}, {@code pypi} (purl types)
 * @param name          the package name; for Maven {@code groupId:artifactId}
 * @param version       the installed version
 * @param sourceName    the source package (Debian {@code Source:}, Alpine origin); equals name when the package has none
 * @param sourceVersion the source package's version (Debian {@code Source: glibc (2.36-9+deb12u4)}); else version
 * @param arch          architecture for OS packages, else null
 * @param purl          the package URL
 * @param layerDigest   digest of the layer (as stored in the manifest) that installed this package
 * @param location      path inside the image of the file the package was read from (nested jars: {@code a.war!/b.jar})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Package(String type, String name, String version, String sourceName, String sourceVersion, String arch,
                      String purl, String layerDigest, String location) {

    public Package withPurl(String newPurl) {
        return new Package(type, name, version, sourceName, sourceVersion, arch, newPurl, layerDigest, location);
    }

    public Package withLayer(String digest) {
        return new Package(type, name, version, sourceName, sourceVersion, arch, purl, digest, location);
    }
}
