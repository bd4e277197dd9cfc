using System.Text.RegularExpressions;
using CondDistill.Notebooks;

namespace CondDistill.Tests.Notebooks;

/// <summary>
/// The report of the passing test notebook (markdown, an image batch, a chart). "No external URL"
/// means: no src=, href= or url(...) pointing to http(s) or protocol-relative //, and no script
/// element with a src at all. plotly.js itself contains URL strings in its code and comments, so
/// the test looks at those references only, not at every "https://" in the file.
/// </summary>
[Collection(NotebookRunnerCollection.Name)]
public sealed partial class HtmlReportWriterTests(NotebookRunFixture fixture)
{
    private static readonly ReportHeader Header = new("passing.ipynb", "abc123", new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero), "smoke", "testhost, 2 processors, Linux");

    private string Report => HtmlReportWriter.Render(fixture.Passing.Document, Header);

    [Fact]
    public void Report_loads_nothing_from_the_network()
    {
        // The embedded library's own code mentions URLs (mapbox, topojson CDN defaults); its one marked element is checked in the test below.
        string html = Regex.Replace(Report, $"<script[^>]*{PlotlyJs.MarkerAttribute}[^>]*>.*?</script>", "", RegexOptions.Singleline);
        Assert.Empty(ExternalReference().Matches(html).Select(m => m.Value));
        Assert.DoesNotMatch(ScriptWithSource(), html);
        Assert.DoesNotContain("<link", html);
        Assert.Empty(HtmlReportWriter.FindExternalReferences(Report)); // the library's check agrees
        // ...and it does find what a report must not contain.
        Assert.Equal(3, HtmlReportWriter.FindExternalReferences(Report + "<img src=\"https://x/y.png\"><script src=\"a.js\"></script><link rel=stylesheet href=\"s.css\">").Count);
    }

    [Fact]
    public void Report_embeds_plotly_js_exactly_once_in_the_head()
    {
        string html = Report;
        Assert.Equal(1, Regex.Count(html, Regex.Escape("* plotly.js v" + PlotlyJs.Version)));
        Assert.Equal(1, Regex.Count(html, PlotlyJs.MarkerAttribute));
        Assert.True(html.IndexOf(PlotlyJs.MarkerAttribute, StringComparison.Ordinal) < html.IndexOf("</head>", StringComparison.Ordinal));
        Assert.Contains("Plotly.newPlot", html);
    }

    [Fact]
    public void Report_strips_a_notebook_copy_of_plotly_js_and_cdn_scripts()
    {
        string output = NotebookDisplay.PlotlyScript().Html + "<script src=\"https://cdn.plot.ly/plotly-2.28.0.min.js\"></script><p>kept</p>";
        Assert.Equal("<p>kept</p>", HtmlReportWriter.RemoveExternalScripts(output));
    }

    [Fact]
    public void Report_has_image_inline_markdown_rendered_and_header()
    {
        string html = Report;
        Assert.Matches("<img src=\"data:image/png;base64,iVBORw0KGgo[A-Za-z0-9+/=]+\"", html);
        Assert.Contains("<h1 id=\"test-report\">Test report</h1>", html);
        Assert.Contains("<em>emphasis</em>", html);
        Assert.Contains("<li>one</li>", html);
        Assert.Contains("<tr><th>commit</th><td>abc123</td></tr>", html);
        Assert.Contains("<tr><th>profile</th><td>smoke</td></tr>", html);
        Assert.Contains("Console.WriteLine($&quot;profile={NotebookProfile.Current}&quot;);", html); // code escaped
    }

    [Fact]
    public void Report_without_charts_carries_no_plotly_js_and_shows_the_failure()
    {
        string html = HtmlReportWriter.Render(fixture.Failing.Document, Header, fixture.Failing.Failure);
        Assert.DoesNotContain(PlotlyJs.MarkerAttribute, html);
        Assert.Contains("Run FAILED: cell 2", html);
        Assert.Contains("<pre class=\"error\">", html);
    }

    [Fact]
    public void Written_report_is_the_rendered_html()
    {
        string path = Path.Combine(fixture.Folder, "reports", "passing.html");
        HtmlReportWriter.Write(fixture.Passing.Document, Header, path);
        Assert.Equal(Report, File.ReadAllText(path));
    }

    [GeneratedRegex("""(?:\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//)""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex("""<script\b[^>]*\bsrc\s*=""", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptWithSource();
}
