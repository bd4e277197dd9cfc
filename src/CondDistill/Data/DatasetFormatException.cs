namespace CondDistill.Data;

/// <summary>
/// A dataset file or folder cannot be used: it is missing, truncated, not IDX, corrupt gzip, or
/// inconsistent with its partner file. The message names the full path, says what was expected and
/// what was found, and says how to restore the file.
/// </summary>
public sealed class DatasetFormatException : IOException
{
    /// <summary>How to restore a broken Fashion-MNIST file; appended to every message.</summary>
    public const string RestoreHint =
        "Fix: re-copy the file from /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist: " +
        "apt-get install dataset-fashion-mnist) or follow data/fashion-mnist/README.md.";

    /// <summary>Creates the exception; the message is "Dataset file '&lt;path&gt;': &lt;detail&gt; &lt;hint&gt;".</summary>
    /// <param name="filePath">Full path of the offending file or folder.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="detail">Expected versus found, in words.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public DatasetFormatException(string filePath, DatasetProblem problem, string detail, Exception? innerException = null)
        : base(FormatMessage(filePath, problem, detail), innerException)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>Full path of the offending file (or folder for <see cref="DatasetProblem.MissingFolder"/>).</summary>
    public string FilePath { get; }

    /// <summary>What is wrong.</summary>
    public DatasetProblem Problem { get; }

    private static string FormatMessage(string filePath, DatasetProblem problem, string detail)
    {
        string kind = problem == DatasetProblem.MissingFolder ? "Dataset folder" : "Dataset file";
        return $"{kind} '{filePath}': {detail} {RestoreHint}";
    }
}
