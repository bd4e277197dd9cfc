using CondDistill.Runtime;

namespace CondDistill.Experiments;

/// <summary>
/// Where the trained weights that ship with the repository live (<c>data/checkpoints/</c>), found by
/// walking up from the program's folder and the current directory, or named by
/// <c>CONDDISTILL_CHECKPOINTS</c>.
/// </summary>
public static class ShippedCheckpoints
{
    /// <summary>Environment variable naming the checkpoints folder.</summary>
    public const string FolderVariable = "CONDDISTILL_CHECKPOINTS";

    /// <summary>File name of the evaluation classifier.</summary>
    public const string ExtractorFile = "fmnist-extractor.safetensors";

    /// <summary>File name of the pretrained unconditional teacher (EMA weights).</summary>
    public const string TeacherFile = "teacher-unet-ema.safetensors";

    /// <summary>File name of CoDi (paper defaults) distilled for super-resolution x4 by the full reproduction (EMA weights).</summary>
    public const string CoDiSr4File = "codi-sr4-ema.safetensors";

    /// <summary>File name of PE-CoDi (adapter only) distilled for super-resolution x4 by the full reproduction (EMA weights).</summary>
    public const string PeCoDiSr4File = "pe-codi-sr4-ema.safetensors";

    /// <summary>True when the shipped file exists.</summary>
    public static bool Exists(string fileName)
    {
        try { return File.Exists(PathOf(fileName)); }
        catch (DirectoryNotFoundException) { return false; }
    }

    /// <summary>The checkpoints folder.</summary>
    /// <exception cref="DirectoryNotFoundException">No folder found; the message says how to point to one.</exception>
    public static string Folder()
    {
        string? named = Environment.GetEnvironmentVariable(FolderVariable);
        if (!string.IsNullOrWhiteSpace(named))
            return Directory.Exists(named) ? Path.GetFullPath(named)
                : throw new DirectoryNotFoundException($"{FolderVariable} names '{named}', which does not exist.");
        string relative = Path.Combine("data", "checkpoints");
        if (RepositoryFolders.FindUp(relative, RepositoryFolders.DefaultStarts) is string found) return found;
        throw new DirectoryNotFoundException(
            $"No {relative} folder found walking up from '{AppContext.BaseDirectory}' or '{Directory.GetCurrentDirectory()}'. " +
            $"Run from inside the repository, set {FolderVariable}, or pass the file explicitly.");
    }

    /// <summary>Path of a shipped file (whether or not it exists yet).</summary>
    public static string PathOf(string fileName) => Path.Combine(Folder(), fileName);
}
