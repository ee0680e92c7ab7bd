package io.gatehouse.registry.ui.mirrors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.registry.api.ApiException;
import io.gatehouse.registry.api.ApiResult;
import io.gatehouse.registry.mirror.MirrorRuns;
import io.gatehouse.registry.ui.Pages;
import io.gatehouse.registry.ui.UiHandler;
import io.gatehouse.registry.ui.UiHandler.Answer;
import io.gatehouse.registry.ui.UiHandler.Call;
import io.gatehouse.registry.ui.UiHandler.Html;
import io.gatehouse.registry.ui.UiHandler.Redirect;
import io.gatehouse.registry.ui.UiHandler.Refused;
import io.gatehouse.registry.ui.UiServices;
import io.gatehouse.registry.ui.mirrors.MirrorModel.Run;
import io.gatehouse.registry.ui.mirrors.MirrorModel.RunRow;
import io.gatehouse.registry.ui.mirrors.MirrorModel.Runs;
import io.gatehouse.registry.ui.mirrors.MirrorModel.StartForm;
import io.gatehouse.registry.ui.mirrors.MirrorModel.TagRow;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /mirrors}: the server-side mirror runs ({@code GET /api/v1/mirrors}), one run's full report
 * ({@code /mirrors/{id}}, {@code GET /api/v1/mirrors/{id}}), and the form that starts one ({@code /mirrors/new}):
 * it makes the call {@code gatehouse mirror --server-side} makes, {@code POST /api/v1/mirrors/{target}}, through the
 * API's route with {@code ?wait=false}, and goes to the new run's page, which reloads itself until the run ends.
 * Each needs what its API call needs: the runs are for system admins; starting needs pull and push on the target.
 */
public final class MirrorPages {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How often a running run's page reloads itself. */
    static final int REFRESH_SECONDS = 2;

    private final UiServices services;
    private final UiHandler ui;

    public MirrorPages(UiServices services, UiHandler ui) {
        this.services = services;
        this.ui = ui;
    }

    /** {@code /mirrors} and everything under it. */
    public Answer route(Call c, String path) {
        if (path.equals("/mirrors") || path.equals("/mirrors/")) return get(c, () -> runs(c));
        String rest = path.substring("/mirrors/".length());
        if (rest.equals("new")) return c.post() ? start(c) : startForm(c, MirrorForm.empty(), 200);
        return get(c, () -> run(c, rest));
    }

    private static Answer get(Call c, java.util.function.Supplier<Answer> page) {
        if (c.post()) throw new Refused(405, "Not here", "This page does not take forms.");
        return page.get();
    }

    private Answer runs(Call c) {
        ui.require(c, "GET", "/mirrors");
        List<RunRow> rows = new ArrayList<>();
        for (MirrorRuns.Run r : services.mirrorRuns().list(100)) {
            rows.add(new RunRow(r.id(), "/mirrors/" + r.id(), r.requestedBy(), r.upstream(), r.target(), r.status(), counts(r),
                    Pages.time(r.startedAt().toEpochMilli()), firstLine(r.summary())));
        }
        return new Html(200, "mirrors.jte", ui.page(c, "Mirrors", "mirrors"), new Runs(rows, !c.principal().isAnonymous()));
    }

    private Answer run(Call c, String idText) {
        long id;
        try {
            id = Long.parseLong(idText);
        } catch (NumberFormatException e) {
            throw UiHandler.notFound();
        }
        ui.require(c, "GET", "/mirrors/" + id);
        MirrorRuns.Run r = services.mirrorRuns().get(id).orElseThrow(UiHandler::notFound);
        JsonNode report = tree(r.report());
        List<TagRow> tags = new ArrayList<>();
        for (JsonNode t : report.path("tags")) {
            String status = t.path("status").asText();
            tags.add(new TagRow(t.path("tag").asText(), word(status), why(status, t.path("action").asText(), t.path("reason").asText(null)),
                    t.path("sourceDigest").asText(""), t.path("bytes").isMissingNode() ? "" : Pages.size(t.path("bytes").asLong())));
        }
        boolean running = "RUNNING".equals(r.status());
        Duration took = report.has("durationMillis") ? Duration.ofMillis(report.path("durationMillis").asLong())
                : Duration.between(r.startedAt(), r.finishedAt() != null ? r.finishedAt() : services.server().clock().instant());
        String duration = (running ? "running for " : "") + seconds(took);
        String target = r.target();
        return new Html(200, "mirror.jte", ui.page(c, "Mirror run " + id, "mirrors"), new Run(r.id(), r.status(), running,
                r.requestedBy(), r.upstream(), target, "/repositories/" + target, r.filter(), r.dryRun(),
                Pages.time(r.startedAt().toEpochMilli()), r.finishedAt() == null ? "" : Pages.time(r.finishedAt().toEpochMilli()),
                duration, Pages.size(r.bytesMoved()), running ? "" : counts(r), r.summary(), report.path("stoppedReason").asText(null),
                report.path("rateLimit").asText(null), tags, running ? String.valueOf(REFRESH_SECONDS) : null));
    }

    /** The form needs only a session: whether a run may start is the API's answer for the target typed. */
    private Answer startForm(Call c, StartForm form, int status) {
        if (c.principal().isAnonymous()) throw new Refused(401, "Sign in", "Sign in to start a mirror.");
        return new Html(status, "mirror-start.jte", ui.page(c, "Start a mirror", "mirrors"), form);
    }

    private Answer start(Call c) {
        MirrorForm form = MirrorForm.read(c);
        String problem = form.targetProblem();
        if (problem != null) return startForm(c, form.shown(Map.of("target", problem)), 400);
        Fields query = new Fields();
        query.put("wait", "false");
        long id;
        try {
            ApiResult r = ui.callApi(c, "POST", "/mirrors/" + form.target(), query, form.body());
            id = JSON.valueToTree(r.body()).path("id").asLong();
        } catch (ApiException e) {
            if (e.status() != 400 && e.status() != 409) throw new Refused(e.status(), "Not started", e.getMessage());
            return startForm(c, form.shown(Map.of(MirrorForm.fieldOf(e), e.getMessage())), e.status());
        }
        // the run's page is for those who may read runs (as GET /api/v1/mirrors/{id}); others see the target fill up
        return new Redirect(ui.may(c, "GET", "/mirrors/" + id) ? "/mirrors/" + id : "/repositories/" + form.target());
    }

    private static String counts(MirrorRuns.Run r) {
        return (r.dryRun() ? r.copied() + " to copy, " : r.copied() + " copied, ") + r.unchanged() + " unchanged, " + r.failed() + " failed";
    }

    private static String word(String status) {
        return switch (status) {
            case "COPIED" -> "copied";
            case "UNCHANGED" -> "skipped";
            case "WOULD_COPY" -> "would copy";
            case "FAILED" -> "failed";
            default -> status.toLowerCase(Locale.ROOT);
        };
    }

    private static String why(String status, String action, String reason) {
        if ("FAILED".equals(status)) return reason == null ? "no reason given" : reason;
        return switch (action) {
            case "NEW" -> "new upstream tag";
            case "CHANGED" -> "the upstream tag points to another image now";
            case "UNCHANGED" -> "already here with the same digest";
            default -> action.toLowerCase(Locale.ROOT);
        };
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static JsonNode tree(String json) {
        if (json == null) return JSON.createObjectNode();
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
