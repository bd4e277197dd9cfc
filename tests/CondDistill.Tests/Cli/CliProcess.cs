using System.Diagnostics;

namespace CondDistill.Tests.Cli;

/// <summary>Runs the built CLI as a user would (the test project references it, so it sits beside the tests).</summary>
internal static class CliProcess
{
    internal static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var process = Start(args);
        string output = process.StandardOutput.ReadToEnd(), error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error);
    }

    /// <summary>Starts the CLI with its output and error redirected, for a test that reads it while it runs.</summary>
    internal static Process Start(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "condistill.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }
}
