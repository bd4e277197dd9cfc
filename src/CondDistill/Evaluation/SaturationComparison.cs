namespace CondDistill.Evaluation;

/// <summary>Saturation of generated images against a reference (ground-truth) set; see <see cref="Saturation"/>.</summary>
/// <param name="SampleRate">Share of sample pixels with |x| at or above the threshold.</param>
/// <param name="ReferenceRate">The same share in the reference set (Fashion-MNIST: about half, the black background).</param>
/// <param name="Ratio">SampleRate / ReferenceRate (IEEE: +infinity when only the reference is 0, NaN when both are).</param>
/// <param name="Difference">SampleRate - ReferenceRate.</param>
/// <param name="Threshold">The |x| threshold used.</param>
public sealed record SaturationComparison(double SampleRate, double ReferenceRate, double Ratio, double Difference, double Threshold);
