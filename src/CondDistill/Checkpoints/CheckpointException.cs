namespace CondDistill.Checkpoints;

/// <summary>A checkpoint file that cannot be read or does not fit the model; the message names the file and the mismatching tensor or field.</summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/>; the message is prefixed with the file name.</summary>
    public CheckpointException(string filePath, string problem, Exception? inner = null)
        : base($"Checkpoint '{filePath}': {problem}", inner)
    {
        FilePath = filePath;
    }

    /// <summary>The checkpoint file concerned.</summary>
    public string FilePath { get; }
}
