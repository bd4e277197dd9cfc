using CondDistill.Runtime;

namespace CondDistill.Tests.Runtime;

public sealed class GitInfoTests
{
    [Fact]
    public void BuildCommitIsTheSourceLinkStampOfTheLibrary()
    {
        string commit = GitInfo.BuildCommit();
        // Built inside the repository, the SDK stamps the full 40-hex commit.
        Assert.Matches("^[0-9a-f]{40}$", commit);
    }

    [Fact]
    public void CurrentCommitOutsideARepositoryIsUnknown()
    {
        string folder = Directory.CreateTempSubdirectory("nogit").FullName;
        Assert.Equal("unknown", GitInfo.CurrentCommit(folder));
        Directory.Delete(folder);
    }
}
