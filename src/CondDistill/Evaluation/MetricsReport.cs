using System.Text.Json;
using System.Text.Json.Serialization;

namespace CondDistill.Evaluation;

/// <summary>
/// The metrics of one evaluated configuration together with its <see cref="EvaluationProtocol"/>.
/// A metric that was not measured is null. JSON uses snake_case names and writes non-finite values
/// as the strings "Infinity", "-Infinity" and "NaN" (e.g. a PSNR of identical images).
/// </summary>
/// <param name="Protocol">What was measured and how.</param>
/// <param name="FdFmnist">FD-FMNIST (<see cref="FrechetDistance"/>), lower is better.</param>
/// <param name="KidFmnistMean">KID-FMNIST mean over subsets (<see cref="KernelDistance"/>).</param>
/// <param name="KidFmnistStd">KID-FMNIST standard deviation over subsets.</param>
/// <param name="PsnrMeanDb">Mean per-image PSNR in dB, per-image values capped (<see cref="PeakSignalToNoiseRatio.Mean"/>).</param>
/// <param name="PsnrPooledDb">PSNR of the mean MSE in dB (<see cref="PeakSignalToNoiseRatio.Pooled"/>).</param>
/// <param name="SsimMean">Mean SSIM (<see cref="StructuralSimilarity"/>).</param>
/// <param name="LpipsStyleDistance">LPIPS-style classifier-feature distance (<see cref="ClassifierFeatureDistance"/>), not LPIPS.</param>
/// <param name="ConditionConsistencyPsnrDb">Task-specific condition consistency in dB (e.g. PSNR of avgpool4(output) vs avgpool4(x)).</param>
/// <param name="SaturationRate">Saturated-pixel share of the raw samples (<see cref="Saturation"/>).</param>
/// <param name="ReferenceSaturationRate">Saturated-pixel share of the ground truth.</param>
/// <param name="SaturationRatio">SaturationRate / ReferenceSaturationRate.</param>
/// <param name="DiversityPairwiseL2">Mean pairwise L2 among samples of one condition (<see cref="SampleDiversity"/>).</param>
/// <param name="MillisecondsPerImage">Sampling wall time per image (<see cref="SamplingTimer"/>).</param>
/// <param name="OtherProcessesCpuShare">Share of all processors' time that other processes used while the samples were drawn
/// (<see cref="Benchmarks.CpuShareMeter"/>); ms/image is comparable only between runs where it is small. Null when not measured.</param>
/// <param name="FdFmnistFloor">FD-FMNIST between as many real training images as samples and the same real set: the floor a model's FD-FMNIST is read against.</param>
/// <param name="Notes">Free text: anything a reader must know to interpret the numbers.</param>
public sealed record MetricsReport(
    EvaluationProtocol Protocol,
    double? FdFmnist = null,
    double? KidFmnistMean = null,
    double? KidFmnistStd = null,
    double? PsnrMeanDb = null,
    double? PsnrPooledDb = null,
    double? SsimMean = null,
    double? LpipsStyleDistance = null,
    double? ConditionConsistencyPsnrDb = null,
    double? SaturationRate = null,
    double? ReferenceSaturationRate = null,
    double? SaturationRatio = null,
    double? DiversityPairwiseL2 = null,
    double? MillisecondsPerImage = null,
    double? FdFmnistFloor = null,
    double? OtherProcessesCpuShare = null,
    string? Notes = null)
{
    /// <summary>Serializer settings of the report files.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses a report written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">The text is not a report.</exception>
    public static MetricsReport FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<MetricsReport>(json, JsonOptions)
                ?? throw new InvalidDataException("Metrics report JSON is 'null'.");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"Not a metrics report: {error.Message}", error);
        }
    }

    /// <summary>Writes the report to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public void Save(string path) => Runtime.AtomicFile.WriteAllText(path, ToJson());

    /// <summary>Reads a report saved by <see cref="Save"/>.</summary>
    public static MetricsReport Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Metrics report not found at '{path}'.", path);
        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (InvalidDataException error)
        {
            throw new InvalidDataException($"'{path}': {error.Message}", error);
        }
    }
}
