using CondDistill.Diffusion;

namespace CondDistill.Experiments;

/// <summary>One row of a results table: a trained run sampled with one sampler and one weight set.</summary>
/// <param name="RunKey">The <see cref="ReproductionRun.Key"/> it samples.</param>
/// <param name="Sampler">Sampler and steps.</param>
/// <param name="Weights">"ema" (the default everywhere) or "online".</param>
public sealed record ReproductionRow(string RunKey, SamplerSpec Sampler, string Weights = "ema")
{
    /// <summary>File-name key, e.g. "codi.grid-N50-4.ema".</summary>
    public string Key => $"{RunKey}.{Sampler.Name}.{Weights}";
}
