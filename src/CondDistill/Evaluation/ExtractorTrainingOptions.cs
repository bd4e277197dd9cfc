namespace CondDistill.Evaluation;

/// <summary>Settings of <see cref="ExtractorTrainer.Train"/>. The defaults train the reported extractor.</summary>
/// <param name="Epochs">Passes over the training images.</param>
/// <param name="BatchSize">Images per optimiser step.</param>
/// <param name="LearningRate">Peak AdamW learning rate; it decays to zero along a cosine over all steps.</param>
/// <param name="WeightDecay">AdamW decoupled weight decay.</param>
/// <param name="Seed">Seeds the shuffling, the augmentation and the dropout masks (local generators; no global random state).</param>
/// <param name="AugmentFlip">Mirror each image left-right with probability 1/2.</param>
/// <param name="AugmentShiftPixels">Translate each image by up to this many pixels in x and y (background -1 fills in); 0 disables.</param>
/// <param name="ReportEvery">Steps between progress callbacks (the last step of every epoch is always reported).</param>
public sealed record ExtractorTrainingOptions(
    int Epochs = 3,
    int BatchSize = 128,
    double LearningRate = 2e-3,
    double WeightDecay = 1e-4,
    long Seed = 0,
    bool AugmentFlip = true,
    int AugmentShiftPixels = 2,
    int ReportEvery = 50)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the offending field when a value is out of range.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"ExtractorTrainingOptions.Epochs must be >= 1, got {Epochs}.");
        if (BatchSize < 2) throw new ArgumentException($"ExtractorTrainingOptions.BatchSize must be >= 2 (BatchNorm), got {BatchSize}.");
        if (!(LearningRate > 0)) throw new ArgumentException($"ExtractorTrainingOptions.LearningRate must be > 0, got {LearningRate}.");
        if (WeightDecay < 0) throw new ArgumentException($"ExtractorTrainingOptions.WeightDecay must be >= 0, got {WeightDecay}.");
        if (AugmentShiftPixels is < 0 or > 8) throw new ArgumentException($"ExtractorTrainingOptions.AugmentShiftPixels must be in 0..8, got {AugmentShiftPixels}.");
        if (ReportEvery < 1) throw new ArgumentException($"ExtractorTrainingOptions.ReportEvery must be >= 1, got {ReportEvery}.");
    }
}
