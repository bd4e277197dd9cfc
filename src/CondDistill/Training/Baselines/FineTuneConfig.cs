using CondDistill.Models;

namespace CondDistill.Training.Baselines;

/// <summary>Options of the conditional fine-tuning baseline (<see cref="FineTuneMethod"/>).</summary>
/// <param name="Variant">Concatenated condition, or a ControlNet adapter with a frozen or trainable backbone.</param>
/// <param name="ConditionChannels">Channels of the condition image c (1 for super-resolution or edges, 2 for inpainting).</param>
/// <param name="Fusion">How the ControlNet adapter joins the backbone (ignored by <see cref="FineTuneVariant.Concat"/>).</param>
/// <param name="HintChannels">Hidden channels of the adapter's condition conv stack (ignored by <see cref="FineTuneVariant.Concat"/>).</param>
/// <param name="EmaDecay">EMA decay gamma of the trainable parameters (0.999, as the CoDi code).</param>
/// <param name="EmaWarmUp">Use the warm-up decay min(gamma, (1 + n) / (10 + n)).</param>
public sealed record FineTuneConfig(
    FineTuneVariant Variant,
    int ConditionChannels,
    ControlNetFusion Fusion = ControlNetFusion.ZeroConv,
    int HintChannels = 16,
    double EmaDecay = 0.999,
    bool EmaWarmUp = false)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the invalid field.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Variant)) throw new ArgumentException($"FineTuneConfig.Variant '{Variant}' is not a known variant.");
        if (ConditionChannels < 1) throw new ArgumentException($"FineTuneConfig.ConditionChannels must be >= 1 (got {ConditionChannels}).");
        if (EmaDecay is < 0 or > 1) throw new ArgumentException($"FineTuneConfig.EmaDecay must lie in [0, 1] (got {EmaDecay}).");
        AdapterConfig.Validate();
    }

    /// <summary>The ControlNet adapter options these settings describe.</summary>
    public ControlNetConfig AdapterConfig => new(ConditionChannels, Fusion, HintChannels);
}
