using System.Diagnostics;
using CondDistill.Runtime;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace CondDistill.Notebooks;

/// <summary>
/// Runs .ipynb notebooks headless and in process: a C# kernel (with <c>#r "nuget:"</c> and the
/// kernel helpers) plus an HTML kernel, one <see cref="SubmitCode"/> per code cell, outputs
/// captured into the document. Stops at the first failing cell. Prints one progress line per cell.
/// </summary>
public static class NotebookRunner
{
    /// <summary>The kernels a notebook's cells may name; everything else (markdown, raw) is not run.</summary>
    public static KernelInfoCollection KernelInfos()
    {
        var infos = new KernelInfoCollection
        {
            new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp", "C#", ["c#", "C#", "cs"]),
            new Microsoft.DotNet.Interactive.Documents.KernelInfo("html", "HTML", []),
        };
        infos.DefaultKernelName = "csharp";
        return infos;
    }

    /// <summary>The notebooks a path names: the file itself, or every *.ipynb of a folder in ordinal name order.</summary>
    /// <exception cref="FileNotFoundException">The path is neither a notebook file nor a folder.</exception>
    /// <exception cref="ArgumentException">The path is a file that is not .ipynb, or a folder without notebooks.</exception>
    public static IReadOnlyList<string> FindNotebooks(string path)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            var found = Directory.GetFiles(full, "*.ipynb").Order(StringComparer.Ordinal).ToList();
            if (found.Count == 0) throw new ArgumentException($"Folder '{full}' holds no *.ipynb notebooks.");
            return found;
        }
        if (!File.Exists(full)) throw new FileNotFoundException($"Notebook or folder '{full}' does not exist.", full);
        if (!full.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"'{full}' is not a Jupyter notebook (.ipynb); .dib files are not supported by this runner.");
        return [full];
    }

    /// <summary>Parses a notebook file.</summary>
    /// <exception cref="InvalidDataException">The file is not valid notebook JSON.</exception>
    public static InteractiveDocument Load(string path)
    {
        try
        {
            return Notebook.Parse(File.ReadAllText(path), KernelInfos());
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"Notebook '{path}' could not be parsed as .ipynb JSON: {e.Message}", e);
        }
    }

    /// <summary>Writes an (executed) notebook as .ipynb JSON, atomically.</summary>
    public static void SaveExecuted(InteractiveDocument document, string path)
    {
        // ToJupyterJson throws InvalidCastException on the metadata the parser leaves here (see shared/stack.md).
        document.Metadata.Remove("polyglot_notebook");
        AtomicFile.WriteAllText(path, Notebook.ToJupyterJson(document, "C#"));
    }

    /// <summary>Runs every code cell of a notebook in a fresh kernel, stopping at the first failure.</summary>
    /// <param name="notebookPath">The .ipynb file.</param>
    /// <param name="options">Profile, log and working-directory settings (defaults when null).</param>
    /// <param name="cancellationToken">Stops between and inside cells.</param>
    public static async Task<NotebookRunResult> RunAsync(string notebookPath, NotebookRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new NotebookRunOptions();
        string full = Path.GetFullPath(notebookPath);
        string profile = NotebookProfile.Parse(options.Profile, "the run options");
        var document = Load(full);
        var total = Stopwatch.StartNew();
        var cells = document.Elements.Select((element, index) => (Element: element, Number: index + 1)).Where(c => IsCode(c.Element)).ToList();
        string name = Path.GetFileName(full);
        options.Log?.WriteLine($"{name}: {cells.Count} code cells, profile {profile}");

        string? previousProfile = Environment.GetEnvironmentVariable(NotebookProfile.EnvironmentVariable);
        string previousDirectory = Directory.GetCurrentDirectory();
        Environment.SetEnvironmentVariable(NotebookProfile.EnvironmentVariable, profile);
        if (options.UseNotebookFolderAsWorkingDirectory) Directory.SetCurrentDirectory(Path.GetDirectoryName(full)!);
        try
        {
            using var kernel = CreateKernel();
            int executed = 0;
            foreach (var (element, number) in cells)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var cellTime = Stopwatch.StartNew();
                var result = await kernel.SendAsync(new SubmitCode(element.Contents, KernelNameOf(element)), cancellationToken);
                element.Outputs.Clear();
                element.Outputs.AddRange(ToOutputs(result.Events, executed + 1));
                element.ExecutionOrder = executed + 1;
                var failed = result.Events.OfType<CommandFailed>().FirstOrDefault();
                options.Log?.WriteLine(FormattableString.Invariant(
                    $"[{executed + 1}/{cells.Count}] cell {number} {(failed is null ? "ok" : "FAILED")} {cellTime.Elapsed.TotalSeconds:F1} s  {FirstLine(element.Contents)}"));
                if (failed is not null)
                {
                    var failure = new NotebookCellFailure(number, FirstLine(element.Contents), failed.Message ?? failed.Exception?.ToString() ?? "(no message)");
                    options.Log?.WriteLine($"{name}: {failure.Describe()}");
                    return new NotebookRunResult(full, profile, document, cells.Count, executed, total.Elapsed, failure);
                }
                executed++;
            }
            return new NotebookRunResult(full, profile, document, cells.Count, executed, total.Elapsed, null);
        }
        finally
        {
            Environment.SetEnvironmentVariable(NotebookProfile.EnvironmentVariable, previousProfile);
            if (options.UseNotebookFolderAsWorkingDirectory) Directory.SetCurrentDirectory(previousDirectory);
        }
    }

    /// <summary>A composite kernel like the one VS Code and Jupyter give a C# notebook: C# (with <c>#r "nuget:"</c> and kernel helpers) and HTML.</summary>
    public static CompositeKernel CreateKernel()
    {
        var csharp = new CSharpKernel()
            .UseNugetDirective((kernel, references) =>
            {
                kernel.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));
                return Task.CompletedTask;
            })
            .UseKernelHelpers();
        var composite = new CompositeKernel { csharp, new HtmlKernel() };
        composite.DefaultKernelName = csharp.Name;
        return composite;
    }

    private static bool IsCode(InteractiveDocumentElement element) =>
        !string.IsNullOrWhiteSpace(element.Contents) && KernelNameOf(element) is not ("markdown" or "md" or "raw");

    private static string KernelNameOf(InteractiveDocumentElement element) =>
        string.IsNullOrEmpty(element.KernelName) ? "csharp" : element.KernelName;

    /// <summary>The first non-blank line of a cell, shortened for one-line logs.</summary>
    internal static string FirstLine(string source)
    {
        string line = source.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        return line.Length > 80 ? line[..77] + "..." : line;
    }

    /// <summary>Maps a cell's kernel events to notebook outputs: consecutive stdout/stderr pieces merged, display updates applied in place.</summary>
    internal static List<InteractiveDocumentOutputElement> ToOutputs(IEnumerable<KernelEvent> events, int executionOrder)
    {
        var outputs = new List<InteractiveDocumentOutputElement>();
        var displays = new Dictionary<string, int>(); // display id -> index in outputs
        foreach (var e in events)
        {
            switch (e)
            {
                case StandardOutputValueProduced stdout:
                    AppendText(outputs, "stdout", TextOf(stdout));
                    break;
                case StandardErrorValueProduced stderr:
                    AppendText(outputs, "stderr", TextOf(stderr));
                    break;
                case ReturnValueProduced value:
                    var data = DataOf(value);
                    if (data.Count == 0) break;
                    var returned = new ReturnValueElement { ExecutionOrder = executionOrder };
                    foreach (var (mime, content) in data) returned.Data[mime] = content;
                    outputs.Add(returned);
                    break;
                case DisplayedValueUpdated update:
                    if (update.ValueId is not null && displays.TryGetValue(update.ValueId, out int at)) outputs[at] = new DisplayElement(DataOf(update));
                    else outputs.Add(new DisplayElement(DataOf(update)));
                    break;
                case DisplayedValueProduced display:
                    var displayData = DataOf(display);
                    if (displayData.Count == 0) break;
                    if (display.ValueId is not null) displays[display.ValueId] = outputs.Count;
                    outputs.Add(new DisplayElement(displayData));
                    break;
                case CommandFailed failed:
                    outputs.Add(new ErrorElement("Error", failed.Message ?? failed.Exception?.Message ?? "(no message)", failed.Exception?.StackTrace?.Split('\n') ?? []));
                    break;
            }
        }
        return outputs;
    }

    private static void AppendText(List<InteractiveDocumentOutputElement> outputs, string stream, string text)
    {
        if (outputs.Count > 0 && outputs[^1] is TextElement last && last.Name == stream)
            outputs[^1] = new TextElement(last.Text + text, stream);
        else
            outputs.Add(new TextElement(text, stream));
    }

    private static string TextOf(DisplayEvent e) =>
        e.FormattedValues.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType)?.Value ?? e.FormattedValues.FirstOrDefault()?.Value ?? "";

    private static Dictionary<string, object> DataOf(DisplayEvent e) =>
        e.FormattedValues.Where(v => !v.SuppressDisplay).GroupBy(v => v.MimeType).ToDictionary(g => g.Key, g => (object)g.First().Value);
}
