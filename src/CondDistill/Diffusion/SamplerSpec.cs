using TorchSharp;

namespace CondDistill.Diffusion;

/// <summary>
/// Which sampler, how many steps and (for grid-based samplers) which teacher grid: everything needed
/// to run and to name a sampling protocol.
/// </summary>
/// <param name="Kind">The sampler.</param>
/// <param name="Steps">Number of network evaluations.</param>
/// <param name="GridSize">N of the teacher grid for <see cref="SamplerKind.Grid"/> and <see cref="SamplerKind.Consistency"/>.</param>
public sealed record SamplerSpec(SamplerKind Kind, int Steps, int GridSize = 50)
{
    /// <summary>Names accepted by <see cref="Parse"/>.</summary>
    public static IReadOnlyList<string> KindNames { get; } = ["ddim", "grid", "consistency", "dpm-solver++"];

    /// <summary>A short name for reports, e.g. "grid-N50-4" or "ddim-50".</summary>
    public string Name => Kind switch
    {
        SamplerKind.Ddim => $"ddim-{Steps}",
        SamplerKind.Grid => $"grid-N{GridSize}-{Steps}",
        SamplerKind.Consistency => $"consistency-N{GridSize}-{Steps}",
        SamplerKind.DpmSolverPlusPlus => $"dpm-solver++-{Steps}",
        _ => throw new InvalidOperationException($"Unknown sampler kind {Kind}."),
    };

    /// <summary>Parses a sampler name ("ddim", "grid", "consistency", "dpm-solver++").</summary>
    public static SamplerSpec Parse(string kind, int steps, int gridSize = 50)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "A sampler needs at least one step.");
        var parsed = kind.Trim().ToLowerInvariant() switch
        {
            "ddim" => SamplerKind.Ddim,
            "grid" => SamplerKind.Grid,
            "consistency" or "cm" => SamplerKind.Consistency,
            "dpm-solver++" or "dpm" or "dpmpp" => SamplerKind.DpmSolverPlusPlus,
            _ => throw new ArgumentException($"Sampler '{kind}' is not known; allowed values: {string.Join(", ", KindNames)}.", nameof(kind)),
        };
        return new SamplerSpec(parsed, steps, gridSize);
    }

    /// <summary>Runs the sampler from the given initial noise; <paramref name="seeds"/> drive the fresh noise of the consistency sampler.</summary>
    public SamplerResult Run(VelocityModel model, NoiseSchedule schedule, torch.Tensor initialNoise, IReadOnlyList<long> seeds, bool clampOutput = false) => Kind switch
    {
        SamplerKind.Ddim => DiffusionSamplers.DdimTrailing(model, schedule, initialNoise, Steps, clampOutput),
        SamplerKind.Grid => DiffusionSamplers.Grid(model, schedule, initialNoise, new TimestepGrid(GridSize, schedule.NumTimesteps), Steps, clampOutput),
        SamplerKind.Consistency => DiffusionSamplers.ConsistencyMultistep(model, schedule, initialNoise, seeds,
            new TimestepGrid(GridSize, schedule.NumTimesteps).SamplingTimesteps(Steps), clampOutput),
        SamplerKind.DpmSolverPlusPlus => DiffusionSamplers.DpmSolverPlusPlus2MTrailing(model, schedule, initialNoise, Steps, clampOutput),
        _ => throw new InvalidOperationException($"Unknown sampler kind {Kind}."),
    };
}
