using System.Diagnostics;

namespace CondDistill.Tests.Cli;

/// <summary>Runs the built CLI as a user would (the test project references it, so it sits beside the tests).</summary>
public sealed class CliTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "condistill.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd(), error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error);
    }

    [Fact]
    public void DataPreviewWritesAPng()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cli-preview-{Guid.NewGuid():N}.png");
        var (code, output, error) = Run("data", "preview", "--task", "inpaint", "--count", "3", "--out", path);
        Assert.True(code == 0, error);
        Assert.Contains(path, output);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(path)[..4]);
        File.Delete(path);
    }

    [Fact]
    public void UnknownTaskExitsWithTheAllowedNamesAndNoStackTrace()
    {
        var (code, _, error) = Run("data", "preview", "--task", "sr3", "--out", Path.Combine(Path.GetTempPath(), "never.png"));
        Assert.Equal(2, code);
        Assert.Contains("'sr4', 'sr2', 'inpaint', 'edges'", error);
        Assert.DoesNotContain("   at ", error);
    }
}
