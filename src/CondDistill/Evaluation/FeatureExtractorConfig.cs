namespace CondDistill.Evaluation;

/// <summary>
/// Shape of the <see cref="FeatureExtractor"/> classifier: conv(W1)-conv(W1)-pool-conv(W2)-conv(W2)-pool-fc(F)-fc(classes),
/// every conv followed by BatchNorm and ReLU. The defaults are the extractor that evaluation reports cite
/// (about 0.47 M parameters); a checkpoint only loads into an extractor of the same configuration.
/// </summary>
/// <param name="Width1">Channels of the two 28x28 convolutions.</param>
/// <param name="Width2">Channels of the two 14x14 convolutions.</param>
/// <param name="FeatureDim">Width of the penultimate layer, whose ReLU output is the FD/KID feature vector.</param>
/// <param name="Classes">Number of classes (10 for Fashion-MNIST).</param>
/// <param name="Dropout">Dropout probability before each fully connected layer (training only).</param>
public sealed record FeatureExtractorConfig(
    int Width1 = 32,
    int Width2 = 64,
    int FeatureDim = 128,
    int Classes = 10,
    double Dropout = 0.3)
{
    /// <summary>Input side length in pixels; the extractor takes [N, 1, 28, 28] images in [-1, 1].</summary>
    public const int ImageSize = 28;

    /// <summary>Throws <see cref="ArgumentException"/> naming the offending field when a value is out of range.</summary>
    public void Validate()
    {
        if (Width1 < 1) throw new ArgumentException($"FeatureExtractorConfig.Width1 must be >= 1, got {Width1}.");
        if (Width2 < 1) throw new ArgumentException($"FeatureExtractorConfig.Width2 must be >= 1, got {Width2}.");
        if (FeatureDim < 1) throw new ArgumentException($"FeatureExtractorConfig.FeatureDim must be >= 1, got {FeatureDim}.");
        if (Classes < 2) throw new ArgumentException($"FeatureExtractorConfig.Classes must be >= 2, got {Classes}.");
        if (Dropout is < 0 or >= 1) throw new ArgumentException($"FeatureExtractorConfig.Dropout must be in [0, 1), got {Dropout}.");
    }
}
