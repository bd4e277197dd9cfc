namespace CondDistill.Notebooks;

/// <summary>
/// How much work a notebook does: <c>smoke</c> (seconds, checks that every cell runs), <c>quick</c>
/// (default, minutes, small but meaningful numbers) or <c>full</c> (the real experiment). The
/// profile reaches a notebook through the environment variable <see cref="EnvironmentVariable"/>,
/// so every client (the CondDistill runner, dotnet-repl, VS Code, Jupyter) can set it the same way.
/// </summary>
public static class NotebookProfile
{
    /// <summary>The environment variable that carries the profile into a notebook.</summary>
    public const string EnvironmentVariable = "CONDISTILL_PROFILE";

    /// <summary>Checks that every cell runs, with the least work possible.</summary>
    public const string Smoke = "smoke";

    /// <summary>Small but meaningful runs (the default).</summary>
    public const string Quick = "quick";

    /// <summary>The full experiment.</summary>
    public const string Full = "full";

    /// <summary>The profile used when the environment variable is not set.</summary>
    public const string Default = Quick;

    /// <summary>The allowed profile names, from least to most work.</summary>
    public static IReadOnlyList<string> Allowed { get; } = [Smoke, Quick, Full];

    /// <summary>The profile of this process: the environment variable, or <see cref="Default"/> when unset.</summary>
    /// <exception cref="ArgumentException">The variable holds something other than an allowed name.</exception>
    public static string Current => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable), EnvironmentVariable);

    /// <summary>Validates a profile name (case-insensitive, surrounding blanks ignored); null or blank means <see cref="Default"/>.</summary>
    /// <param name="value">The name to check.</param>
    /// <param name="source">Where the value came from, for the error message.</param>
    /// <exception cref="ArgumentException">The value is not one of <see cref="Allowed"/>.</exception>
    public static string Parse(string? value, string source = "profile")
    {
        if (string.IsNullOrWhiteSpace(value)) return Default;
        string name = value.Trim().ToLowerInvariant();
        if (Allowed.Contains(name)) return name;
        throw new ArgumentException(
            $"Notebook profile '{value}' (from {source}) is not recognised: allowed values are {string.Join(", ", Allowed)}.");
    }

    /// <summary>Picks the value for the current profile, e.g. <c>NotebookProfile.Choose(smoke: 20, quick: 500, full: 20_000)</c> training steps.</summary>
    public static T Choose<T>(T smoke, T quick, T full) => Choose(Current, smoke, quick, full);

    /// <summary>Picks the value for <paramref name="profile"/>.</summary>
    /// <exception cref="ArgumentException">The profile is not one of <see cref="Allowed"/>.</exception>
    public static T Choose<T>(string profile, T smoke, T quick, T full) => Parse(profile) switch
    {
        Smoke => smoke,
        Quick => quick,
        _ => full,
    };
}
