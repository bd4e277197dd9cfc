using CondDistill.Runtime;

namespace CondDistill.Tests.Runtime;

public sealed class AtomicFileTests
{
    [Fact]
    public void AFailedWriteKeepsThePreviousContentAndLeavesNoTemporaryFile()
    {
        string folder = Directory.CreateTempSubdirectory("atomic").FullName;
        string path = Path.Combine(folder, "results.json");
        AtomicFile.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.WriteByte((byte)'n');
            throw new InvalidOperationException("crash mid-write");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(folder));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void WriteCreatesMissingFolders()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"atomic-{Guid.NewGuid():N}", "a", "b");
        string path = Path.Combine(folder, "x.txt");
        AtomicFile.WriteAllText(path, "content");
        Assert.Equal("content", File.ReadAllText(path));
        Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(folder))!, recursive: true);
    }
}
