namespace CondDistill.Notebooks;

/// <summary>Settings of one headless notebook run (<see cref="NotebookRunner"/>).</summary>
public sealed record NotebookRunOptions
{
    /// <summary>The profile the notebook sees in <see cref="NotebookProfile.EnvironmentVariable"/> during the run (smoke, quick or full).</summary>
    public string Profile { get; init; } = NotebookProfile.Default;

    /// <summary>Where the per-cell progress lines go (null: nowhere).</summary>
    public TextWriter? Log { get; init; } = Console.Out;

    /// <summary>
    /// Run with the process working directory set to the notebook's folder (restored afterwards),
    /// as VS Code and Jupyter do, so relative <c>#r</c> paths resolve the same way. The working
    /// directory is process-wide: do not run other working-directory-sensitive code meanwhile.
    /// </summary>
    public bool UseNotebookFolderAsWorkingDirectory { get; init; } = true;
}
