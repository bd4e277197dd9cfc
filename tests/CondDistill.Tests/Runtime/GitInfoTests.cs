using CondDistill.Runtime;

namespace CondDistill.Tests.Runtime;

public sealed class GitInfoTests
{
    [Fact]
    public void BuildCommitIsTheSourceLinkStampOfTheLibrary()
    {
        string commit = GitInfo.BuildCommit();
        // Built inside the repository, the SDK stamps the full 40-hex commit; environment/GitDirtyStamp.targets
        // appends "+dirty" when the build saw uncommitted changes to tracked files.
        Assert.Matches("^[0-9a-f]{40}(\\+dirty)?$", commit);
    }

    [Fact]
    public void CurrentCommitOutsideARepositoryIsUnknown()
    {
        string folder = Directory.CreateTempSubdirectory("nogit").FullName;
        Assert.Equal("unknown", GitInfo.CurrentCommit(folder));
        Directory.Delete(folder);
    }
}
