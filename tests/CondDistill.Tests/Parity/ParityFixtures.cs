namespace CondDistill.Tests.Parity;

/// <summary>Locates the committed PyTorch-generated fixtures in tests/parity/fixtures (walking up from the test binaries).</summary>
internal static class ParityFixtures
{
    private static readonly string Relative = Path.Combine("tests", "parity", "fixtures");

    internal static string PathOf(string fileName)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, Relative, fileName);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(
            $"Parity fixture '{fileName}' not found in {Relative} above '{AppContext.BaseDirectory}'. " +
            "Regenerate with: /usr/bin/python3 tests/parity/unet_golden.py (from the repository root).");
    }
}
