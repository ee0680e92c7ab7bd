package io.gatehouse.registry.http;

/**
 * A parsed /v2 path. Repository names contain slashes, so the path is read from the right: the last
 * {@code /manifests/}, {@code /blobs/}, {@code /tags/list} or {@code /referrers/} marks where the name ends.
 *
 * @param kind      base, catalog, manifest, blob, uploads (POST), upload (with id), tags, referrers or unknown
 * @param name      the repository name (not yet validated), or null
 * @param reference tag, digest or upload id, or null
 */
record Route(String kind, String name, String reference) {

    static final Route BASE = new Route("base", null, null);
    static final Route CATALOG = new Route("catalog", null, null);
    static final Route UNKNOWN = new Route("unknown", null, null);

    /** @param rest the path after "/v2/" (may be empty) */
    static Route parse(String rest) {
        if (rest.isEmpty()) return BASE;
        if (rest.equals("_catalog")) return CATALOG;
        if (rest.endsWith("/tags/list")) return of("tags", rest.substring(0, rest.length() - "/tags/list".length()), null);
        if (rest.endsWith("/blobs/uploads") || rest.endsWith("/blobs/uploads/")) {
            return of("uploads", rest.substring(0, rest.lastIndexOf("/blobs/uploads")), null);
        }
        int slash = rest.lastIndexOf('/');
        if (slash <= 0) return UNKNOWN;
        String last = rest.substring(slash + 1);
        String head = rest.substring(0, slash);
        if (last.isEmpty()) return UNKNOWN;
        if (head.endsWith("/blobs/uploads")) return of("upload", head.substring(0, head.length() - "/blobs/uploads".length()), last);
        if (head.endsWith("/manifests")) return of("manifest", head.substring(0, head.length() - "/manifests".length()), last);
        if (head.endsWith("/blobs")) return of("blob", head.substring(0, head.length() - "/blobs".length()), last);
        if (head.endsWith("/referrers")) return of("referrers", head.substring(0, head.length() - "/referrers".length()), last);
        return UNKNOWN;
    }

    private static Route of(String kind, String name, String ref) {
        return name.isEmpty() ? UNKNOWN : new Route(kind, name, ref);
    }
}
