namespace CondDistill.Evaluation;

/// <summary>
/// What a set of metrics was measured on, so that every reported number can be reproduced and compared:
/// which extractor, which real data, how many samples with which seeds, which weights, sampler and steps.
/// </summary>
/// <param name="ExtractorHash">SHA-256 of the feature extractor's weights (<see cref="Evaluation.ExtractorHash"/>).</param>
/// <param name="RealSplit">The real reference split, e.g. "test" (Fashion-MNIST t10k) or "train".</param>
/// <param name="RealCount">Real images used for FD/KID and as ground truth.</param>
/// <param name="SampleCount">Generated images evaluated.</param>
/// <param name="Seeds">Per-sample seeds of the sampling noise as a range [first, last]: sample i uses seed first + i.</param>
/// <param name="Weights">"ema" or "online": which copy of the trained weights sampled.</param>
/// <param name="Sampler">Sampler name, e.g. "ddim" or "consistency-multistep".</param>
/// <param name="Steps">Network evaluations per image (sampler steps).</param>
/// <param name="Task">Condition task, e.g. "super-resolution-x4", "inpainting", "edges-to-image"; null when unconditional.</param>
/// <param name="Method">Model or training method, e.g. "codi", "pe-codi", "cm-ii", "fine-tuned".</param>
/// <param name="Checkpoint">Path or identifier of the evaluated checkpoint.</param>
/// <param name="KidSubsetSize">KID subset size actually used.</param>
/// <param name="KidSubsetCount">KID subset count.</param>
/// <param name="SaturationThreshold">|x| threshold of the saturation rate.</param>
/// <param name="DiversitySamplesPerCondition">Samples per condition for the diversity measure (0 when not measured).</param>
/// <param name="DiversityConditions">Conditions for the diversity measure (0 when not measured).</param>
/// <param name="Device">Device that ran the sampling ("cpu", "cuda:0"), which the timing depends on.</param>
public sealed record EvaluationProtocol(
    string ExtractorHash,
    string RealSplit,
    int RealCount,
    int SampleCount,
    IReadOnlyList<long> Seeds,
    string Weights,
    string Sampler,
    int Steps,
    string? Task = null,
    string? Method = null,
    string? Checkpoint = null,
    int KidSubsetSize = 0,
    int KidSubsetCount = 0,
    double SaturationThreshold = Saturation.DefaultThreshold,
    int DiversitySamplesPerCondition = 0,
    int DiversityConditions = 0,
    string Device = "cpu");
