namespace CondDistill.Tests.Cli;

/// <summary>The data commands as a user runs them.</summary>
public sealed class CliTests
{
    [Fact]
    public void DataPreviewWritesAPng()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cli-preview-{Guid.NewGuid():N}.png");
        var (code, output, error) = CliProcess.Run("data", "preview", "--task", "inpaint", "--count", "3", "--out", path);
        Assert.True(code == 0, error);
        Assert.Contains(path, output);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(path)[..4]);
        File.Delete(path);
    }

    [Fact]
    public void UnknownTaskExitsWithTheAllowedNamesAndNoStackTrace()
    {
        var (code, _, error) = CliProcess.Run("data", "preview", "--task", "sr3", "--out", Path.Combine(Path.GetTempPath(), "never.png"));
        Assert.Equal(2, code);
        Assert.Contains("'sr4', 'sr2', 'inpaint', 'edges'", error);
        Assert.DoesNotContain("   at ", error);
    }
}
