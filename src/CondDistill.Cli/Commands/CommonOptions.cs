using System.CommandLine;
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
}
