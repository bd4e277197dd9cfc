namespace CondDistill.Runtime;

/// <summary>How oneDNN did on one <see cref="ConvolutionGeometry"/> against <see cref="DoublePrecisionConvolution"/>.</summary>
/// <param name="Geometry">The geometry checked.</param>
/// <param name="WorstRelativeError">max|oneDNN - reference| / max|reference| over the passes compared (NaN when oneDNN gave NaN).</param>
/// <param name="WorstPass">The pass with that error: "forward", "input gradient", "weight gradient" or "bias gradient".</param>
public sealed record ConvolutionVerdict(ConvolutionGeometry Geometry, double WorstRelativeError, string WorstPass)
{
    /// <summary>Whether oneDNN may compute this geometry (error within <see cref="OneDnnConvolutionCheck.Tolerance"/>).</summary>
    public bool Agrees => WorstRelativeError <= OneDnnConvolutionCheck.Tolerance;
}
