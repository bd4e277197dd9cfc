namespace CondDistill.Notebooks;

/// <summary>The cell that stopped a notebook run.</summary>
/// <param name="CellNumber">1-based position of the cell among all cells of the notebook (Markdown cells count), as an editor shows it.</param>
/// <param name="FirstLine">The first non-blank source line of the cell.</param>
/// <param name="Message">The kernel's error: compiler diagnostics or the exception.</param>
public sealed record NotebookCellFailure(int CellNumber, string FirstLine, string Message)
{
    /// <summary>One line for logs and the CLI: cell number, its first line and the first line of the error.</summary>
    public string Describe()
    {
        string error = Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "(no message)";
        return $"cell {CellNumber} ({FirstLine}) failed: {error}";
    }
}
