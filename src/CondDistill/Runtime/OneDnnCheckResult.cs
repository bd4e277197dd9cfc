namespace CondDistill.Runtime;

/// <summary>What <see cref="OneDnnConvolutionCheck.Run"/> found.</summary>
/// <param name="WorstRelativeError">Largest max|oneDNN - reference| / max|reference| over every case and pass (NaN when oneDNN produced NaN).</param>
/// <param name="WorstCase">The case and pass behind <paramref name="WorstRelativeError"/>, e.g. "backward (input gradient) of 2x8x14x14, 8->8 channels, 3x3, stride 1".</param>
/// <param name="Cases">Number of convolution shapes compared.</param>
public sealed record OneDnnCheckResult(double WorstRelativeError, string WorstCase, int Cases)
{
    /// <summary>Whether oneDNN agreed with the reference path everywhere, within <see cref="OneDnnConvolutionCheck.Tolerance"/>.</summary>
    public bool Agrees => WorstRelativeError <= OneDnnConvolutionCheck.Tolerance;
}
