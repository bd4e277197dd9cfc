using System.Diagnostics;
using System.Globalization;
using System.Net;
using CondDistill.Evaluation;
using CondDistill.Training;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

namespace CondDistill.Notebooks;

/// <summary>
/// Progress of long work. Inside a notebook cell it shows one output that is updated in place
/// (a display handle: displayed once, then updated, at most every <see cref="MinimumInterval"/>);
/// outside a notebook it prints one line per report to <see cref="Console.Out"/>. Plugs into the
/// library's callbacks: <c>OnProgress = progress.Report</c> for <see cref="Pretrainer"/> and
/// <see cref="MethodTrainer"/> (<see cref="TrainingProgress"/>) and <see cref="ExtractorTrainer"/>
/// (<see cref="ExtractorTrainingProgress"/>).
/// </summary>
public sealed class NotebookProgress : IProgress<string>
{
    private readonly Stopwatch _sinceUpdate = new();
    private DisplayedValue? _display;
    private string? _pending;

    /// <summary>Creates a progress display with an optional title shown before each line.</summary>
    public NotebookProgress(string? title = null) => Title = title;

    /// <summary>Text shown before the progress line.</summary>
    public string? Title { get; }

    /// <summary>Least time between two in-place updates in a notebook (the last report before <see cref="Complete"/> is always shown).</summary>
    public TimeSpan MinimumInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The last line reported.</summary>
    public string? Last { get; private set; }

    /// <summary>True while a notebook cell is running on this thread (display in place); false in a console.</summary>
    public static bool InNotebook => KernelInvocationContext.Current is not null;

    /// <summary>Reports one progress line.</summary>
    public void Report(string value)
    {
        Last = value;
        if (!InNotebook && _display is null)
        {
            Console.Out.WriteLine(Title is null ? value : $"{Title}: {value}");
            return;
        }
        if (_display is null)
        {
            NotebookDisplay.Register();
            // The context's Display, not object.Display(): in this .NET Interactive build the latter
            // announces the value under a different id than its later updates use.
            _display = KernelInvocationContext.Current!.Display(Render(Title, value), HtmlFormatter.MimeType);
            _sinceUpdate.Restart();
            return;
        }
        if (_sinceUpdate.Elapsed < MinimumInterval) { _pending = value; return; }
        Update(value);
    }

    /// <summary>Reports a training step (<c>OnProgress = progress.Report</c>).</summary>
    public void Report(TrainingProgress progress) => Report(progress.Format());

    /// <summary>Reports a feature-extractor training step.</summary>
    public void Report(ExtractorTrainingProgress progress) =>
        Report(FormattableString.Invariant($"epoch {progress.Epoch} step {progress.Step}/{progress.TotalSteps} loss={progress.Loss:G4} acc={progress.Accuracy:P1}"));

    /// <summary>Shows the last held-back report (or <paramref name="finalLine"/>) so the output ends in the final state.</summary>
    public void Complete(string? finalLine = null)
    {
        string? line = finalLine ?? _pending;
        if (line is null) return;
        Last = line;
        if (_display is null) Report(line);
        else Update(line);
    }

    private void Update(string value)
    {
        _pending = null;
        _display!.Update(Render(Title, value));
        _sinceUpdate.Restart();
    }

    private static HtmlFragment Render(string? title, string line) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"<pre class=\"condistill-progress\">{(title is null ? "" : WebUtility.HtmlEncode(title) + ": ")}{WebUtility.HtmlEncode(line)}</pre>"));
}
