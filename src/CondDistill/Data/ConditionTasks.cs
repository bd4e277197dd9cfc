namespace CondDistill.Data;

/// <summary>Creates condition tasks by name (the names used in configs and on the command line).</summary>
public static class ConditionTasks
{
    /// <summary>Every allowed task name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sr4", "sr2", "inpaint", "edges"];

    /// <summary>Creates a task: "sr4" / "sr2" (super-resolution x4 / x2, no noise), "inpaint" (box inpainting), "edges" (Sobel edges).</summary>
    /// <param name="name">The task name (case-insensitive, surrounding spaces ignored).</param>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static ConditionTask Create(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "sr4" => new SuperResolutionTask(4),
        "sr2" => new SuperResolutionTask(2),
        "inpaint" => new BoxInpaintingTask(),
        "edges" => new SobelEdgesTask(),
        _ => throw new ArgumentException(
            $"Condition task '{name}' is not known; allowed names: {string.Join(", ", Names.Select(n => $"'{n}'"))}.", nameof(name)),
    };
}
