using TorchSharp;

namespace CondDistill.Diffusion;

/// <summary>
/// Which sampler, how many steps and (for grid-based samplers) which teacher grid: everything needed
/// to run and to name a sampling protocol.
/// </summary>
/// <param name="Kind">The sampler.</param>
/// <param name="Steps">Number of network evaluations.</param>
/// <param name="GridSize">N of the teacher grid for <see cref="SamplerKind.Grid"/> and <see cref="SamplerKind.Consistency"/>.</param>
/// <param name="Spacing">Timestep spacing of <see cref="SamplerKind.Ddim"/> and <see cref="SamplerKind.DpmSolverPlusPlus"/>
/// (null: trailing, the default); the grid-based samplers take their timesteps from the grid.</param>
public sealed record SamplerSpec(SamplerKind Kind, int Steps, int GridSize = 50, SpacingRule? Spacing = null)
{
    /// <summary>The spacing the many-step samplers use: <see cref="Spacing"/> or trailing.</summary>
    public SpacingRule EffectiveSpacing => Spacing ?? SpacingRule.Trailing;

    /// <summary>Suffix of <see cref="Name"/> for a non-default spacing, e.g. "-power:2"; empty for trailing.</summary>
    private string SpacingSuffix => EffectiveSpacing.IsTrailing ? "" : "-" + EffectiveSpacing.Name;

    /// <summary>Names accepted by <see cref="Parse"/>.</summary>
    public static IReadOnlyList<string> KindNames { get; } = ["ddim", "grid", "consistency", "dpm-solver++"];

    /// <summary>A short name for reports, e.g. "grid-N50-4", "ddim-50" (trailing) or "ddim-50-power:2".</summary>
    public string Name => Kind switch
    {
        SamplerKind.Ddim => $"ddim-{Steps}{SpacingSuffix}",
        SamplerKind.Grid => $"grid-N{GridSize}-{Steps}",
        SamplerKind.Consistency => $"consistency-N{GridSize}-{Steps}",
        SamplerKind.DpmSolverPlusPlus => $"dpm-solver++-{Steps}{SpacingSuffix}",
        _ => throw new InvalidOperationException($"Unknown sampler kind {Kind}."),
    };

    /// <summary>Parses a sampler name ("ddim", "grid", "consistency", "dpm-solver++") and an optional spacing (<see cref="SpacingRule.Parse"/>).</summary>
    public static SamplerSpec Parse(string kind, int steps, int gridSize = 50, string? spacing = null)
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
        var rule = spacing is null ? null : SpacingRule.Parse(spacing);
        if (rule is { IsTrailing: false } && parsed is not (SamplerKind.Ddim or SamplerKind.DpmSolverPlusPlus))
            throw new ArgumentException($"Spacing '{spacing}' applies to the ddim and dpm-solver++ samplers only; the {kind} sampler takes its timesteps from the teacher grid (--grid-n).", nameof(spacing));
        return new SamplerSpec(parsed, steps, gridSize, rule is { IsTrailing: true } ? null : rule);
    }

    /// <summary>Runs the sampler from the given initial noise; <paramref name="seeds"/> drive the fresh noise of the consistency sampler.</summary>
    public SamplerResult Run(VelocityModel model, NoiseSchedule schedule, torch.Tensor initialNoise, IReadOnlyList<long> seeds, bool clampOutput = false) => Kind switch
    {
        SamplerKind.Ddim => DiffusionSamplers.Ddim(model, schedule, initialNoise, EffectiveSpacing.Timesteps(Steps, schedule.NumTimesteps), clampOutput),
        SamplerKind.Grid => DiffusionSamplers.Grid(model, schedule, initialNoise, new TimestepGrid(GridSize, schedule.NumTimesteps), Steps, clampOutput),
        SamplerKind.Consistency => DiffusionSamplers.ConsistencyMultistep(model, schedule, initialNoise, seeds,
            new TimestepGrid(GridSize, schedule.NumTimesteps).SamplingTimesteps(Steps), clampOutput),
        SamplerKind.DpmSolverPlusPlus => DiffusionSamplers.DpmSolverPlusPlus2M(model, schedule, initialNoise, EffectiveSpacing.Timesteps(Steps, schedule.NumTimesteps), clampOutput),
        _ => throw new InvalidOperationException($"Unknown sampler kind {Kind}."),
    };
}
