using System.Diagnostics;

namespace CondDistill.Runtime;

/// <summary>The repository's commit, for provenance records.</summary>
public static class GitInfo
{
    /// <summary>
    /// The commit this library was built from (the SDK's source-link stamp "1.0.0+sha" in the
    /// assembly's informational version), or "unknown". Unlike <see cref="CurrentCommit"/>, this is
    /// right for a binary copied elsewhere and run while the repository moves on.
    /// </summary>
    public static string BuildCommit()
    {
        string? version = typeof(GitInfo).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion;
        int plus = version?.IndexOf('+') ?? -1;
        return plus >= 0 ? version![(plus + 1)..] : "unknown";
    }

    /// <summary>
    /// The current commit of the git repository around <paramref name="folder"/> (the current
    /// directory by default), with "+dirty" when tracked files have uncommitted changes, or
    /// "unknown" when git or a repository is not available.
    /// </summary>
    public static string CurrentCommit(string? folder = null)
    {
        string directory = folder ?? Directory.GetCurrentDirectory();
        string? commit = Run(directory, "rev-parse", "HEAD");
        if (commit is null) return "unknown";
        string? status = Run(directory, "status", "--porcelain", "--untracked-files=no");
        return string.IsNullOrWhiteSpace(status) ? commit : commit + "+dirty";
    }

    private static string? Run(string directory, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            using var process = Process.Start(start);
            if (process is null) return null;
            string output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // git not installed
        }
    }
}
