using System.Text.Json;

namespace CondDistill.Models;

/// <summary>Options of the ControlNet-style condition encoder (the adapter).</summary>
/// <param name="ConditionChannels">Channels of the condition image c (1 for super-resolution or edges, 2 for masked image + mask).</param>
/// <param name="Fusion">How encoder features join the backbone.</param>
/// <param name="HintChannels">Hidden channels of the condition ("hint") conv stack.</param>
public sealed record ControlNetConfig(int ConditionChannels, ControlNetFusion Fusion = ControlNetFusion.ZeroConv, int HintChannels = 16)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the invalid field.</summary>
    public void Validate()
    {
        if (ConditionChannels < 1) throw new ArgumentException($"ControlNetConfig.ConditionChannels must be >= 1 (got {ConditionChannels}).");
        if (HintChannels < 1) throw new ArgumentException($"ControlNetConfig.HintChannels must be >= 1 (got {HintChannels}).");
        if (!Enum.IsDefined(Fusion)) throw new ArgumentException($"ControlNetConfig.Fusion '{Fusion}' is not a known fusion.");
    }

    /// <summary>The options as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ModelJson.Options);

    /// <summary>Parses <see cref="ToJson"/> output.</summary>
    public static ControlNetConfig FromJson(string json) =>
        JsonSerializer.Deserialize<ControlNetConfig>(json, ModelJson.Options) ?? throw new JsonException("ControlNetConfig JSON is 'null'.");
}
