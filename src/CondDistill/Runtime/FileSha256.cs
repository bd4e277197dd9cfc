using System.Security.Cryptography;

namespace CondDistill.Runtime;

/// <summary>The SHA-256 of a file's bytes, the form in which the results READMEs and caches name a checkpoint.</summary>
public static class FileSha256
{
    /// <summary>Lower-case hexadecimal SHA-256 of the file at <paramref name="path"/> (read as a stream).</summary>
    public static string Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
