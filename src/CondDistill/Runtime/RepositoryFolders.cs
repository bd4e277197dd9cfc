namespace CondDistill.Runtime;

/// <summary>Finds a folder of the repository (e.g. data/fashion-mnist) by walking up from where a program runs.</summary>
public static class RepositoryFolders
{
    /// <summary>The places searched by default: the program's folder, then the current directory.</summary>
    public static IReadOnlyList<string> DefaultStarts => [AppContext.BaseDirectory, Directory.GetCurrentDirectory()];

    /// <summary>
    /// The first existing <paramref name="relative"/> folder found in a start folder or one of its
    /// parents, trying the starts in order; null when there is none.
    /// </summary>
    public static string? FindUp(string relative, IReadOnlyList<string> starts)
    {
        foreach (string start in starts)
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, relative);
                if (Directory.Exists(candidate)) return candidate;
            }
        return null;
    }
}
