namespace CondDistill.Models;

/// <summary>
/// What a checkpoint needs to rebuild a model: its kind ("unet", "controlled-unet",
/// "concat-conditioned-unet") and its configuration as JSON.
/// </summary>
/// <param name="Kind">Model kind, one of the constants below.</param>
/// <param name="ConfigJson">The model's configuration serialised as JSON.</param>
public sealed record ModelDescription(string Kind, string ConfigJson)
{
    /// <summary>Kind of a plain <see cref="UNet"/>.</summary>
    public const string UNetKind = "unet";

    /// <summary>Kind of a <see cref="ControlledUNet"/> (backbone + ControlNet encoder).</summary>
    public const string ControlledUNetKind = "controlled-unet";

    /// <summary>Kind of a <see cref="ConcatConditionedUNet"/> (the "LDM" baseline).</summary>
    public const string ConcatConditionedUNetKind = "concat-conditioned-unet";
}
