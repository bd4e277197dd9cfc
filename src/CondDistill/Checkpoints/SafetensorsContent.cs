using static TorchSharp.torch;

namespace CondDistill.Checkpoints;

/// <summary>A safetensors file read into memory: its string metadata and its tensors (CPU), by name. Disposing releases the tensors.</summary>
public sealed class SafetensorsContent : IDisposable
{
    internal SafetensorsContent(string path, IReadOnlyDictionary<string, string> metadata, Dictionary<string, Tensor> tensors)
    {
        Path = path;
        Metadata = metadata;
        Tensors = tensors;
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>The <c>__metadata__</c> string map (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>The metadata value for <paramref name="key"/>, or a <see cref="CheckpointException"/> naming the file and the key.</summary>
    public string RequireMetadata(string key) =>
        Metadata.TryGetValue(key, out var value) ? value : throw new CheckpointException(Path, $"metadata field '{key}' is missing.");

    /// <summary>Releases every tensor.</summary>
    public void Dispose()
    {
        foreach (var tensor in Tensors.Values) tensor.Dispose();
    }
}
