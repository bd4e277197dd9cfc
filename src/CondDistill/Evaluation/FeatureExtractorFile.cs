using TorchSharp;
using TorchSharp.PyBridge;

namespace CondDistill.Evaluation;

/// <summary>
/// Saves and loads <see cref="FeatureExtractor"/> weights as a safetensors file (TorchSharp.PyBridge),
/// readable from Python with <c>safetensors.torch.load_file</c>. Writes are atomic (a <c>.tmp</c> file renamed into place).
/// </summary>
public static class FeatureExtractorFile
{
    /// <summary>Writes the extractor's state dict to <paramref name="path"/> atomically and returns its <see cref="ExtractorHash"/>.</summary>
    public static string Save(FeatureExtractor extractor, string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        string temporary = path + ".tmp";
        extractor.save_safetensors(temporary);
        File.Move(temporary, path, overwrite: true);
        return ExtractorHash.Compute(extractor);
    }

    /// <summary>
    /// Builds an extractor of <paramref name="config"/> (default configuration when null), loads the weights
    /// strictly, moves it to <paramref name="device"/> (CPU when null) and puts it in eval mode.
    /// </summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file does not match the configuration.</exception>
    public static FeatureExtractor Load(string path, FeatureExtractorConfig? config = null, torch.Device? device = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"Feature extractor weights not found at '{path}'. Train an extractor with ExtractorTrainer and save it with FeatureExtractorFile.Save, or point to the shipped file.",
                path);
        config ??= new FeatureExtractorConfig();
        var extractor = new FeatureExtractor(config);
        try
        {
            extractor.load_safetensors(path, strict: true);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            extractor.Dispose();
            throw new InvalidDataException(
                $"Feature extractor weights at '{path}' do not fit an extractor with {config}: {error.Message} " +
                "Load with the FeatureExtractorConfig the file was trained with.", error);
        }
        if (device is not null) extractor.to(device);
        extractor.eval();
        return extractor;
    }
}
