using System.CommandLine;
using System.Globalization;
using CondDistill.Runtime;
using TorchSharp;

namespace CondDistill.Cli.Commands;

/// <summary>Options shared by several commands, with one spelling and one default each.</summary>
internal static class CommonOptions
{
    public static Option<string> Device() => new("--device")
    {
        Description = "Compute device: cpu (default), cuda or cuda:N (needs a CUDA build, see README).",
        DefaultValueFactory = _ => ComputeDevice.DefaultName,
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "CPU threads for TorchSharp (0 = TorchSharp's default).",
        DefaultValueFactory = _ => 0,
    };

    public static Option<int> Seed(int defaultSeed = 0) => new("--seed")
    {
        Description = $"Random seed (default {defaultSeed}).",
        DefaultValueFactory = _ => defaultSeed,
    };

    public static Option<string?> DataDir() => new("--data")
    {
        Description = "Folder holding the Fashion-MNIST IDX files (default: data/fashion-mnist of this repository, or CONDDISTILL_DATA).",
    };

    /// <summary>Applies --threads when set.</summary>
    public static void ApplyThreads(int threads)
    {
        if (threads > 0) torch.set_num_threads(threads);
    }

    /// <summary>
    /// Parses a comma-separated option value such as "20,200,460" with <paramref name="parse"/> (null = invalid);
    /// an invalid or empty list names the option, what each value must be and an example.
    /// </summary>
    public static IReadOnlyList<T> ParseList<T>(string text, string option, string requirement, string example, Func<string, T?> parse) where T : struct
    {
        var values = new List<T>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            values.Add(parse(part) ?? throw new ArgumentException($"{option}: '{part}' is not {requirement}; give a comma-separated list such as {example}."));
        if (values.Count == 0) throw new ArgumentException($"{option}: no value given; give a comma-separated list such as {example}.");
        return values;
    }

    /// <summary>Invariant-culture integer, or null.</summary>
    public static int? ParseInt(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : null;

    /// <summary>Invariant-culture finite number >= 0, or null.</summary>
    public static double? ParseNonNegative(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= 0 && double.IsFinite(value) ? value : null;
}
