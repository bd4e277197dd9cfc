namespace CondDistill.Evaluation;

/// <summary>
/// FD-FMNIST of real images with Gaussian pixel noise of one standard deviation against the reference set
/// (<see cref="NoiseCalibration"/>).
/// </summary>
/// <param name="Sigma">Standard deviation of the added noise, in model pixel units ([-1, 1]).</param>
/// <param name="GreyLevels">The same in 8-bit grey levels (sigma x 127.5).</param>
/// <param name="Distance">FD-FMNIST of the noisy images against the reference, with its mean and covariance terms.</param>
public sealed record NoiseCalibrationPoint(double Sigma, double GreyLevels, FrechetDistanceTerms Distance);
