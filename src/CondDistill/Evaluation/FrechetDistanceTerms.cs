namespace CondDistill.Evaluation;

/// <summary>
/// A Frechet distance split into its two parts: how far apart the means are and how different the
/// covariances are. A set that is shifted (e.g. brighter) shows up in <see cref="MeanTerm"/>; a set that is
/// less varied or differently shaped (e.g. blurred or noisy) mostly in <see cref="CovarianceTerm"/>.
/// </summary>
/// <param name="MeanTerm">|mu1 - mu2|^2.</param>
/// <param name="CovarianceTerm">tr(S1) + tr(S2) - 2 tr sqrt(S1^(1/2) S2 S1^(1/2)).</param>
/// <param name="Trace1">tr(S1): the total feature variance of the first set.</param>
/// <param name="Trace2">tr(S2): the total feature variance of the second set.</param>
public sealed record FrechetDistanceTerms(double MeanTerm, double CovarianceTerm, double Trace1, double Trace2)
{
    /// <summary>The Frechet distance, <see cref="MeanTerm"/> + <see cref="CovarianceTerm"/>.</summary>
    public double Total => MeanTerm + CovarianceTerm;
}
