package io.gatehouse.jenkins.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import hudson.model.Job;
import hudson.model.Run;
import io.gatehouse.jenkins.charts.SeverityBars;
import io.gatehouse.jenkins.charts.SeverityTrend;
import io.gatehouse.jenkins.service.Finding;
import io.gatehouse.jenkins.service.PolicyVerdict;
import io.gatehouse.jenkins.service.ScanSummary;
import io.gatehouse.jenkins.service.Severity;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What the build and job pages show: the severity bar chart and the trend (server-rendered SVG, parsed back here as
 * XML), the fixable findings, the policy conditions and the links into the registry of a ScanReportAction.
 */
class BuildPageTest {
    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static Element byClass(Document d, String tag, String cls) {
        NodeList n = d.getElementsByTagName(tag);
        for (int i = 0; i < n.getLength(); i++) {
            Element e = (Element) n.item(i);
            if (cls.equals(e.getAttribute("class"))) {
                return e;
            }
        }
        throw new AssertionError("no <" + tag + " class=" + cls + ">");
    }

    @Test
    void severityBarsAreProportionalAndLabelled() throws Exception {
        Document d = parse(SeverityBars.svg(Map.of("CRITICAL", 2, "HIGH", 8, "LOW", 1)));
        assertThat(d.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        int high = Integer.parseInt(byClass(d, "rect", "bar-high").getAttribute("width"));
        int critical = Integer.parseInt(byClass(d, "rect", "bar-critical").getAttribute("width"));
        assertThat(high).isEqualTo(200);
        assertThat(critical).isEqualTo(50);
        assertThat(Integer.parseInt(byClass(d, "rect", "bar-medium").getAttribute("width"))).isZero();
        assertThat(Integer.parseInt(byClass(d, "rect", "bar-low").getAttribute("width"))).isEqualTo(25);
        assertThat(d.getElementsByTagName("title").item(0).getTextContent()).isEqualTo("11 findings: CRITICAL 2, HIGH 8, MEDIUM 0, LOW 1, UNKNOWN 0");
        // nothing found: still a well-formed chart, all bars empty
        assertThat(Integer.parseInt(byClass(parse(SeverityBars.svg(Map.of())), "rect", "bar-critical").getAttribute("width"))).isZero();
    }

    @Test
    void trendHasAPointPerBuildOldestLeftLinkedToItsBuild() throws Exception {
        List<SeverityTrend.Point> points = List.of(new SeverityTrend.Point(12, "12/", 0, 1), new SeverityTrend.Point(10, "10/", 3, 5),
                new SeverityTrend.Point(11, "11/", 1, 5));
        Document d = parse(SeverityTrend.svg(points));
        String[] critical = byClass(d, "polyline", "line-critical").getAttribute("points").split(" ");
        assertThat(critical).hasSize(3);
        int x10 = Integer.parseInt(critical[0].split(",")[0]);
        int x12 = Integer.parseInt(critical[2].split(",")[0]);
        assertThat(x10).isLessThan(x12);
        int y3 = Integer.parseInt(critical[0].split(",")[1]);
        int y0 = Integer.parseInt(critical[2].split(",")[1]);
        assertThat(y3).as("more findings, higher up").isLessThan(y0);
        NodeList links = d.getElementsByTagName("a");
        assertThat(links.getLength()).isEqualTo(6);
        assertThat(((Element) links.item(0)).getAttribute("href")).isEqualTo("10/");
        assertThat(d.getDocumentElement().getTextContent()).contains("#10", "#12", "#11: 1 CRITICAL");
        assertThat(parse(SeverityTrend.svg(List.of())).getDocumentElement().getTextContent()).contains("no scans yet");
        // a hostile link never breaks out of its attribute
        assertThat(SeverityTrend.svg(List.of(new SeverityTrend.Point(1, "\"><script>", 0, 0)))).doesNotContain("<script>");
    }

    static ScanSummary summary() {
        List<Finding> worst = List.of(new Finding("CVE-2024-1", Severity.CRITICAL, "openssl", "3.0.1", null),
                new Finding("CVE-2024-2", Severity.HIGH, "zlib", "1.2", "1.3"));
        List<Finding> fixable = List.of(new Finding("CVE-2024-2", Severity.HIGH, "zlib", "1.2", "1.3"),
                new Finding("GHSA-xxxx-yyyy-zzzz", Severity.LOW, "busybox", "1.36", "1.37"));
        PolicyVerdict verdict = new PolicyVerdict("no-critical", false, List.of(
                new PolicyVerdict.Condition("vulnerabilities.critical", false, "expected 0, actual 1"),
                new PolicyVerdict.Condition("report.maxAge", true, "expected P1D, actual PT1M")));
        return new ScanSummary("reg:5000/mirror/alpine:3.20", "sha256:" + "d".repeat(64), Map.of(Severity.CRITICAL, 1, Severity.HIGH, 1, Severity.LOW, 1),
                worst, fixable, verdict, "{}");
    }

    @Test
    void theScanSummaryLinksIntoTheRegistryAndListsFixableFindingsAndConditions() {
        ScanReportAction a = new ScanReportAction(summary(), "gatehouse/scan.json", "https://reg.example.com/", "mirror/alpine");
        assertThat(a.getFixable()).extracting(ScanReportAction.Row::getId).containsExactly("CVE-2024-2", "GHSA-xxxx-yyyy-zzzz");
        assertThat(a.getFixable().get(0).getAdvisoryUrl()).isEqualTo("https://osv.dev/vulnerability/CVE-2024-2");
        assertThat(a.getConditions()).extracting(ScanReportAction.ConditionRow::getName).containsExactly("vulnerabilities.critical", "report.maxAge");
        assertThat(a.getConditions().get(0).isPassed()).isFalse();
        String digest = "sha256:" + "d".repeat(64);
        assertThat(a.getRegistryReportUrl()).isEqualTo("https://reg.example.com/api/v1/repositories/mirror/alpine/scans/" + digest + "/report");
        assertThat(a.getRegistryScanUrl()).isEqualTo("https://reg.example.com/api/v1/repositories/mirror/alpine/scans/" + digest);
        assertThat(a.getRegistrySignaturesUrl()).isEqualTo("https://reg.example.com/api/v1/repositories/mirror/alpine/signatures/" + digest);
        assertThat(a.getRegistryPolicyUrl()).isEqualTo("https://reg.example.com/api/v1/policies/no-critical");
        assertThat(a.getSeverityChartSvg()).contains("class=\"bar-critical\"");
        // an action stored before these fields existed (XStream leaves them null) still renders
        ScanReportAction old = new ScanReportAction(summary(), null);
        assertThat(old.getRegistryReportUrl()).isNull();
        assertThat(old.getRegistryPolicyUrl()).isNull();
    }

    @Test
    void theJobPageTrendSumsEachBuildsScansAndSkipsBuildsWithout() {
        Job<?, ?> job = mock(Job.class);
        Run<?, ?> r3 = mock(Run.class);
        Run<?, ?> r2 = mock(Run.class);
        Run<?, ?> r1 = mock(Run.class);
        when(job.getLastBuild()).thenAnswer(i -> r3);
        when(r3.getPreviousBuild()).thenAnswer(i -> r2);
        when(r2.getPreviousBuild()).thenAnswer(i -> r1);
        when(r3.getNumber()).thenReturn(3);
        when(r1.getNumber()).thenReturn(1);
        ScanReportAction scan = new ScanReportAction(summary(), null);
        when(r3.getActions(ScanReportAction.class)).thenReturn(List.of(scan, scan));
        when(r2.getActions(ScanReportAction.class)).thenReturn(List.of());
        when(r1.getActions(ScanReportAction.class)).thenReturn(List.of(scan));
        ScanTrendAction trend = new ScanTrendAction(job);
        assertThat(trend.getPoints()).containsExactly(new SeverityTrend.Point(3, "3/", 2, 2), new SeverityTrend.Point(1, "1/", 1, 1));
        assertThat(trend.isShown()).isTrue();
        assertThat(trend.getChartSvg()).contains("line-critical");

        scan.onAttached(r1);
        when(r1.getParent()).thenAnswer(i -> job);
        assertThat(new ArrayList<>(scan.getProjectActions())).singleElement().isInstanceOf(ScanTrendAction.class);
    }
}
