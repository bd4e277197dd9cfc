using Microsoft.DotNet.Interactive.Documents;

namespace CondDistill.Notebooks;

/// <summary>The outcome of running one notebook: the executed document (with outputs) and the failure, if any.</summary>
/// <param name="NotebookPath">Full path of the notebook that was run.</param>
/// <param name="Profile">The profile it ran with.</param>
/// <param name="Document">The notebook with the outputs of every cell that ran.</param>
/// <param name="CodeCellCount">Code cells in the notebook.</param>
/// <param name="CodeCellsRun">Code cells that ran to completion.</param>
/// <param name="Elapsed">Wall time of the whole run, kernel start included.</param>
/// <param name="Failure">The cell that failed, or null when every cell ran.</param>
public sealed record NotebookRunResult(
    string NotebookPath, string Profile, InteractiveDocument Document, int CodeCellCount, int CodeCellsRun, TimeSpan Elapsed, NotebookCellFailure? Failure)
{
    /// <summary>True when every code cell ran without error.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>One summary line: notebook name, ok or the failing cell, cells and time.</summary>
    public string Describe() =>
        FormattableString.Invariant($"{Path.GetFileName(NotebookPath)}: ") +
        (Failure is null
            ? FormattableString.Invariant($"ok, {CodeCellsRun} code cells in {Elapsed.TotalSeconds:F1} s (profile {Profile})")
            : FormattableString.Invariant($"FAILED at {Failure.Describe()} after {CodeCellsRun}/{CodeCellCount} code cells, {Elapsed.TotalSeconds:F1} s (profile {Profile})"));
}
