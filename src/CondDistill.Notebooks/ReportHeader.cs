using CondDistill.Runtime;

namespace CondDistill.Notebooks;

/// <summary>Provenance printed at the top of an HTML report.</summary>
/// <param name="Title">Report title (usually the notebook's file name).</param>
/// <param name="Commit">Git commit of the repository the notebook ran in ("+dirty" when it had uncommitted changes).</param>
/// <param name="Date">When the notebook ran.</param>
/// <param name="Profile">Notebook profile (smoke, quick, full).</param>
/// <param name="Machine">Machine name, processor count and operating system.</param>
public sealed record ReportHeader(string Title, string Commit, DateTimeOffset Date, string Profile, string Machine)
{
    /// <summary>A header for a run on this machine, now; the commit is read from the git repository around <paramref name="folder"/>.</summary>
    public static ReportHeader ForThisMachine(string title, string profile, string? folder = null) =>
        new(title, GitInfo.CurrentCommit(folder), DateTimeOffset.Now, profile, DescribeMachine());

    /// <summary>"name, N processors, OS description".</summary>
    public static string DescribeMachine() =>
        $"{Environment.MachineName}, {Environment.ProcessorCount} processors, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
}
