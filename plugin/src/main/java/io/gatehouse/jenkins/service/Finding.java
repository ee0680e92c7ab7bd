package io.gatehouse.jenkins.service;

/** One vulnerability finding of a scan report (the fields the console and the build page show). */
public record Finding(String id, Severity severity, String packageName, String installedVersion, String fixedVersion) {
}
