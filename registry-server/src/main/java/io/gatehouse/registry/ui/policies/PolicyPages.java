package io.gatehouse.registry.ui.policies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.registry.api.ApiException;
import io.gatehouse.registry.api.ApiResult;
import io.gatehouse.registry.trust.PolicyStore;
import io.gatehouse.registry.trust.Trust;
import io.gatehouse.registry.ui.Pages;
import io.gatehouse.registry.ui.UiHandler;
import io.gatehouse.registry.ui.UiHandler.Answer;
import io.gatehouse.registry.ui.UiHandler.Call;
import io.gatehouse.registry.ui.UiHandler.Html;
import io.gatehouse.registry.ui.UiHandler.Redirect;
import io.gatehouse.registry.ui.UiModel.Message;
import io.gatehouse.registry.ui.UiServices;
import io.gatehouse.registry.ui.policies.PolicyModel.Editor;
import io.gatehouse.registry.ui.policies.PolicyModel.Policies;
import io.gatehouse.registry.ui.policies.PolicyModel.PolicyVersion;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /policies}: the policy names, two versions of one side by side, and for those who may save policies (the
 * API's {@code POST /policies}: system admins) a form with the name and the document. Saving goes through that API
 * route ({@link UiHandler#callApi}): valid, it is a new version and the page shows it beside the one before; refused,
 * nothing is saved, the form keeps what was typed and shows each of the API's errors on its field, with its line and
 * condition.
 */
public final class PolicyPages {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What a new policy's document starts as: the required fields, a condition to fill in. */
    static final String STARTER = """
            {
              "schemaVersion": 1,
              "description": "",
              "conditions": {
                "vulnerabilities": {"maxCounts": {"critical": 0}}
              }
            }""";

    private final UiServices services;
    private final UiHandler ui;

    public PolicyPages(UiServices services, UiHandler ui) {
        this.services = services;
        this.ui = ui;
    }

    public Answer route(Call c) {
        ui.require(c, c.post() ? "POST" : "GET", "/policies");
        Trust trust = services.trustService();
        if (trust == null) throw UiHandler.notFound();
        String name = c.query("name");
        if (!c.post()) {
            Message saved = c.query("saved") == null ? null : new Message("ok", "Saved version " + c.query("saved") + ".");
            Editor editor = null;
            if (ui.may(c, "POST", "/policies")) {
                String document = name == null ? STARTER : trust.policies().latest(name).map(p -> pretty(p.document())).orElse(STARTER);
                editor = editor(name, name == null ? "" : name, document, new PolicyForm.Errors(List.of(), List.of()));
            }
            return page(c, trust, name, editor, saved, 200);
        }
        PolicyForm form = new PolicyForm(c.rawForm("name").strip(), c.rawForm("document"));
        PolicyForm.Errors errors;
        PolicyForm.Prepared prepared = form.body();
        if (prepared instanceof PolicyForm.Send send) {
            try {
                ApiResult r = ui.callApi(c, "POST", "/policies", new Fields(), send.body());
                JsonNode answer = JSON.valueToTree(r.body());
                if (r.status() == 201) {
                    return new Redirect("/policies?name=" + Pages.enc(answer.path("name").asText()) + "&saved=" + answer.path("version").asInt());
                }
                List<String> details = new ArrayList<>();
                for (JsonNode e : answer.path("errors")) {
                    if (e.path("detail").isArray()) e.path("detail").forEach(d -> details.add(d.asText()));
                    else details.add(e.path("message").asText());
                }
                errors = form.placeDetails(details);
            } catch (ApiException e) {
                if (e.status() != 400) throw new UiHandler.Refused(e.status(), "Not saved", e.getMessage());
                errors = form.placeMessage(e.getMessage());
            }
        } else {
            errors = (PolicyForm.Errors) prepared;
        }
        return page(c, trust, name, editor(name, form.name(), form.document(), errors), null, 400);
    }

    private Editor editor(String viewed, String name, String document, PolicyForm.Errors errors) {
        String action = "/policies" + (viewed == null ? "" : "?name=" + Pages.enc(viewed));
        return new Editor(action, viewed == null ? "New policy" : "Edit: save a new version", name, document, errors.name(), errors.document());
    }

    private Answer page(Call c, Trust trust, String name, Editor editor, Message saved, int status) {
        List<Integer> versions = List.of();
        PolicyVersion left = null;
        PolicyVersion right = null;
        if (name != null) {
            var all = trust.policies().versions(name);
            if (all.isEmpty()) throw UiHandler.notFound();
            versions = all.stream().map(PolicyStore.StoredPolicy::version).toList();
            int newest = versions.get(versions.size() - 1);
            int b = Pages.parseInt(c.query("b"), newest);
            int a = Pages.parseInt(c.query("a"), Math.max(1, b - 1));
            right = trust.policies().version(name, b).map(PolicyPages::version).orElse(null);
            // one version (a new policy) is shown once, not beside itself
            left = a == b ? null : trust.policies().version(name, a).map(PolicyPages::version).orElse(null);
        }
        return new Html(status, "policies.jte", ui.page(c, "Policies", "policies"),
                new Policies(trust.policies().names(), name, versions, left, right, editor, saved));
    }

    private static PolicyVersion version(PolicyStore.StoredPolicy p) {
        return new PolicyVersion(p.version(), p.createdBy(), Pages.time(p.createdAt()), pretty(p.document()));
    }

    /** A stored document indented for reading and editing (the API stores it compact); as stored when it is not JSON. */
    static String pretty(String document) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(document));
        } catch (IOException | RuntimeException e) {
            return document;
        }
    }
}
