using System.Globalization;
using CondDistill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Checkpoints;

/// <summary>
/// Model weights in a safetensors file whose metadata carries what rebuilds the model:
/// "format" = "conddistill-model-v1", "kind" (see <see cref="ModelDescription"/>), "config" (JSON),
/// optionally "step", plus any caller metadata. Tensor names are the module's state-dict names, so
/// PyTorch's safetensors loader reads the file too. Loading checks the kind, every tensor
/// (missing, unexpected, shape, dtype), the file's integrity and the configuration, and either
/// loads everything or throws a <see cref="CheckpointException"/> naming the file and the mismatch.
/// </summary>
public static class ModelCheckpoint
{
    /// <summary>Value of the "format" metadata field of model checkpoints.</summary>
    public const string Format = "conddistill-model-v1";

    /// <summary>Metadata keys the checkpoint itself uses; caller metadata may not use them.</summary>
    public static IReadOnlySet<string> ReservedKeys { get; } = new HashSet<string>(["format", "kind", "config", "step"], StringComparer.Ordinal);

    /// <summary>Writes the module's state (parameters and buffers) with its description, atomically.</summary>
    public static void Save(string path, nn.Module module, ModelDescription description, long? step = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(description);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        AddCallerMetadata(meta, metadata, ReservedKeys);
        meta["format"] = Format;
        meta["kind"] = description.Kind;
        meta["config"] = description.ConfigJson;
        if (step is not null) meta["step"] = step.Value.ToString(CultureInfo.InvariantCulture);
        SafetensorsFile.Write(path, module.state_dict(), meta);
    }

    /// <summary>Saves any conditional denoiser with its own description.</summary>
    public static void Save(string path, IConditionalDenoiser model, long? step = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Save(path, model.Module, model.Description, step, metadata);
    }

    /// <summary>Saves a UNet with its description.</summary>
    public static void Save(string path, UNet model, long? step = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Save(path, model, model.Description, step, metadata);
    }

    /// <summary>
    /// Loads weights into <paramref name="module"/> after checking that the file's kind and
    /// configuration equal <paramref name="expected"/> and that its tensors match the module's one to one.
    /// Returns the file's metadata.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Load(string path, nn.Module module, ModelDescription expected)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(expected);
        using var content = SafetensorsFile.Read(path);
        if (content.Metadata.TryGetValue("format", out var format) && format != Format)
            throw new CheckpointException(path, $"metadata field 'format' is '{format}', expected '{Format}'" +
                (format == TrainingCheckpoint.Format ? " (this is a training checkpoint: load it with TrainingCheckpoint.Load)." : "."));
        CheckDescription(content, expected);
        TensorSetCheck.VerifyAndCopy(path, "model", content.Tensors, "", module.state_dict(),
            ArchitectureHint(content, expected));
        CheckConfig(content, expected);
        return content.Metadata;
    }

    /// <summary>Reads the kind and configuration stored in a checkpoint (model or training checkpoint).</summary>
    public static ModelDescription ReadDescription(string path)
    {
        var metadata = SafetensorsFile.ReadMetadata(path);
        string kind = metadata.TryGetValue("kind", out var k) ? k : throw new CheckpointException(path, "metadata field 'kind' is missing.");
        string config = metadata.TryGetValue("config", out var c) ? c : throw new CheckpointException(path, "metadata field 'config' is missing.");
        return new ModelDescription(kind, config);
    }

    /// <summary>
    /// The <see cref="UNetConfig"/> stored in a UNet checkpoint's metadata, without loading its weights
    /// (e.g. to benchmark the architecture of a shipped model).
    /// </summary>
    public static UNetConfig ReadUNetConfig(string path)
    {
        var description = RequireKind(path, ModelDescription.UNetKind);
        return Parse(path, () => UNetConfig.FromJson(description.ConfigJson));
    }

    /// <summary>Builds a UNet from the file's configuration and loads its weights.</summary>
    public static UNet LoadUNet(string path)
    {
        var description = RequireKind(path, ModelDescription.UNetKind);
        var model = new UNet(Parse(path, () => UNetConfig.FromJson(description.ConfigJson)));
        Load(path, model, description);
        return model;
    }

    /// <summary>Builds a controlled UNet (backbone + adapter) from the file's configuration and loads its weights.</summary>
    public static ControlledUNet LoadControlledUNet(string path)
    {
        var description = RequireKind(path, ModelDescription.ControlledUNetKind);
        var model = Parse(path, () => ControlledUNet.FromConfigJson(description.ConfigJson));
        Load(path, model, description);
        return model;
    }

    /// <summary>Builds a concat-conditioned UNet from the file's configuration and loads its weights.</summary>
    public static ConcatConditionedUNet LoadConcatConditionedUNet(string path)
    {
        var description = RequireKind(path, ModelDescription.ConcatConditionedUNetKind);
        var model = Parse(path, () => ConcatConditionedUNet.FromConfigJson(description.ConfigJson));
        Load(path, model, description);
        return model;
    }

    internal static void AddCallerMetadata(Dictionary<string, string> target, IReadOnlyDictionary<string, string>? metadata, IReadOnlySet<string> reserved)
    {
        if (metadata is null) return;
        foreach (var (key, value) in metadata)
        {
            if (reserved.Contains(key)) throw new ArgumentException($"Metadata key '{key}' is reserved by the checkpoint format.", nameof(metadata));
            target[key] = value;
        }
    }

    internal static void CheckDescription(SafetensorsContent content, ModelDescription expected)
    {
        string kind = content.RequireMetadata("kind");
        if (kind != expected.Kind)
            throw new CheckpointException(content.Path, $"metadata field 'kind' is '{kind}' but the model is a '{expected.Kind}'.");
    }

    internal static void CheckConfig(SafetensorsContent content, ModelDescription expected)
    {
        string config = content.RequireMetadata("config");
        if (config != expected.ConfigJson)
            throw new CheckpointException(content.Path, $"metadata field 'config' differs from the model's configuration: file {config}, model {expected.ConfigJson}.");
    }

    internal static string? ArchitectureHint(SafetensorsContent content, ModelDescription expected) =>
        content.Metadata.TryGetValue("config", out var config) && config != expected.ConfigJson
            ? $"The file was written for another architecture: file config {config}, model config {expected.ConfigJson}."
            : null;

    private static ModelDescription RequireKind(string path, string kind)
    {
        var description = ReadDescription(path);
        if (description.Kind != kind)
            throw new CheckpointException(path, $"metadata field 'kind' is '{description.Kind}', expected '{kind}'.");
        return description;
    }

    private static T Parse<T>(string path, Func<T> build)
    {
        try { return build(); }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException)
        {
            throw new CheckpointException(path, $"metadata field 'config' cannot build a model: {e.Message}", e);
        }
    }
}
