using System.Text.Json;
using CondDistill.Checkpoints;
using CondDistill.Models;
using TorchSharp;

namespace CondDistill.Evaluation;

/// <summary>
/// Saves and loads <see cref="FeatureExtractor"/> weights in the project's verified safetensors
/// format (<see cref="ModelCheckpoint"/>): the configuration travels as metadata, loading checks
/// every tensor's presence, shape and dtype and names the file on any mismatch, and writes are atomic.
/// </summary>
public static class FeatureExtractorFile
{
    /// <summary>Checkpoint kind of a feature extractor.</summary>
    public const string Kind = "feature-extractor";

    /// <summary>Saves the weights (atomically) and returns their content hash (<see cref="ExtractorHash"/>).</summary>
    /// <param name="extractor">The trained extractor.</param>
    /// <param name="path">Target .safetensors file.</param>
    /// <param name="metadata">Extra provenance strings stored in the file (e.g. test accuracy).</param>
    public static string Save(FeatureExtractor extractor, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        string hash = ExtractorHash.Compute(extractor);
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>()) { ["extractor_hash"] = hash };
        ModelCheckpoint.Save(path, extractor, Describe(extractor.Config), metadata: meta);
        return hash;
    }

    /// <summary>Loads an extractor; its configuration comes from the file.</summary>
    /// <param name="path">A file written by <see cref="Save"/>.</param>
    /// <param name="device">Device to move it to (CPU when null).</param>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>; the message says how to make one.</exception>
    /// <exception cref="CheckpointException">The file is not a complete feature-extractor checkpoint.</exception>
    public static FeatureExtractor Load(string path, torch.Device? device = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"Feature extractor weights not found at '{path}'. The repository ships them in data/checkpoints/; " +
                "to rebuild them run 'condistill train-extractor' (see data/checkpoints/README.md).", path);
        var description = ModelCheckpoint.ReadDescription(path);
        if (description.Kind != Kind)
            throw new CheckpointException(path, $"metadata field 'kind' is '{description.Kind}', expected '{Kind}'.");
        FeatureExtractorConfig config;
        try { config = JsonSerializer.Deserialize<FeatureExtractorConfig>(description.ConfigJson) ?? throw new JsonException("empty config"); }
        catch (JsonException e) { throw new CheckpointException(path, $"metadata field 'config' is not a FeatureExtractorConfig: {e.Message}", e); }
        var extractor = new FeatureExtractor(config);
        try
        {
            ModelCheckpoint.Load(path, extractor, description);
        }
        catch
        {
            extractor.Dispose();
            throw;
        }
        if (device is not null) extractor.to(device);
        extractor.eval();
        return extractor;
    }

    private static ModelDescription Describe(FeatureExtractorConfig config) => new(Kind, JsonSerializer.Serialize(config));
}
