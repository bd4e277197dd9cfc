using CondDistill.Notebooks;

namespace CondDistill.Tests.Notebooks;

/// <summary>
/// Runs the two test notebooks once for all runner and report tests (a kernel start costs seconds):
/// a passing one with markdown, stdout, an image batch, a chart, a metrics table and an in-place
/// progress display, and one whose cell 2 throws.
/// </summary>
public sealed class NotebookRunFixture : IAsyncLifetime
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "condistill-notebook-tests-" + Guid.NewGuid().ToString("N")[..8]);
    public NotebookRunResult Passing { get; private set; } = null!;
    public NotebookRunResult Failing { get; private set; } = null!;
    public string Log { get; private set; } = "";

    public async Task InitializeAsync()
    {
        string passing = TestNotebooks.Write(Folder, "passing.ipynb",
            ("markdown", "# Test report\n\nSome *emphasis* and a list:\n\n- one\n- two\n"),
            ("csharp", TestNotebooks.SetupCell() + "Console.WriteLine($\"profile={NotebookProfile.Current}\");"),
            ("csharp", "torch.full(new long[] { 3, 1, 8, 8 }, 0.5)"),
            ("csharp", "Plotly.NET.CSharp.Chart.Line<double, double, string>(new double[] { 1, 2, 3 }, new double[] { 2, 4, 3 })"),
            ("csharp", "new MetricsTable([\"method\", \"FD\"]).AddRow(\"codi\", 1.25)"),
            ("csharp", "var progress = new NotebookProgress(\"train\") { MinimumInterval = TimeSpan.Zero };\nprogress.Report(\"step 1 of 2\");\nprogress.Report(\"step 2 of 2\");"));
        string failing = TestNotebooks.Write(Folder, "failing.ipynb",
            ("csharp", "Console.WriteLine(\"first cell ran\");"),
            ("csharp", "throw new InvalidOperationException(\"boom in cell two\");"),
            ("csharp", "Console.WriteLine(\"never\");"));
        var log = new StringWriter();
        var options = new NotebookRunOptions { Profile = "smoke", Log = log };
        Passing = await NotebookRunner.RunAsync(passing, options);
        Failing = await NotebookRunner.RunAsync(failing, options);
        Log = log.ToString();
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}

/// <summary>The runner changes the process working directory while a notebook runs: keep its tests out of the parallel test phase.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotebookRunnerCollection : ICollectionFixture<NotebookRunFixture>
{
    public const string Name = "Notebook runner";
}
