using System.Text.RegularExpressions;
using Plotly.NET;

namespace CondDistill.Notebooks;

/// <summary>
/// The plotly.js library that Plotly.NET ships as an embedded resource (the one it inlines for
/// <c>PlotlyJSReference.Full</c>), so notebooks and reports draw charts offline. Charts are
/// emitted as div + script fragments that call <c>Plotly.newPlot</c>; the library itself is loaded
/// once per page by <see cref="ScriptTag"/>.
/// </summary>
public static partial class PlotlyJs
{
    /// <summary>The attribute that marks the one script element carrying plotly.js, so the HTML report can find and de-duplicate it.</summary>
    public const string MarkerAttribute = "data-condistill-plotly";

    private static readonly Lazy<(string Version, string Source)> Library = new(LoadLibrary);

    /// <summary>The plotly.js version shipped with Plotly.NET (e.g. "2.28.0").</summary>
    public static string Version => Library.Value.Version;

    /// <summary>The minified plotly.js source.</summary>
    public static string Source => Library.Value.Source;

    /// <summary>
    /// One script element that defines <c>window.Plotly</c>. The library runs with AMD/CommonJS
    /// hidden, so it also defines the global under Jupyter's require.js.
    /// </summary>
    public static string ScriptTag() =>
        $"<script type=\"text/javascript\" {MarkerAttribute}=\"{Version}\">(function(define, module, exports) {{\n{Source}\n}})(undefined, undefined, undefined);</script>";

    private static (string Version, string Source) LoadLibrary()
    {
        var assembly = typeof(GenericChart).Assembly;
        string name = assembly.GetManifestResourceNames().SingleOrDefault(n => ResourceName().IsMatch(n))
            ?? throw new InvalidOperationException(
                $"Plotly.NET {assembly.GetName().Version} carries no embedded plotly-*.min.js resource; charts cannot be drawn offline. Use the Plotly.NET version pinned in Directory.Packages.props.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        string source = reader.ReadToEnd();
        if (source.Contains("</script", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Embedded {name} contains '</script' and cannot be inlined in a script element.");
        return (ResourceName().Match(name).Groups["version"].Value, source);
    }

    [GeneratedRegex(@"^Plotly\.NET\.plotly-(?<version>[0-9.]+)\.min\.js$")]
    private static partial Regex ResourceName();
}
