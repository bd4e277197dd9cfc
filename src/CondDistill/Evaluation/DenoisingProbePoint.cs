namespace CondDistill.Evaluation;

/// <summary>
/// How well a model denoises forward-diffused test images at one timestep (<see cref="DenoisingProbe"/>).
/// </summary>
/// <param name="Timestep">t.</param>
/// <param name="Alpha">alpha_t.</param>
/// <param name="Sigma">sigma_t.</param>
/// <param name="XMse">mean((x_hat_t - x)^2): the d_x (guidance) error at t.</param>
/// <param name="EpsMse">mean((eps_hat_t - eps)^2).</param>
/// <param name="EpsSlope">Least-squares slope of eps_hat_t on the true eps, sum(eps_hat eps) / sum(eps^2): 1 for a
/// model that removes all the noise, 0 for one that predicts no noise at all (x_hat_t = z_t / alpha_t).</param>
/// <param name="EpsHatRms">Root mean square of eps_hat_t.</param>
public sealed record DenoisingProbePoint(int Timestep, double Alpha, double Sigma, double XMse, double EpsMse, double EpsSlope, double EpsHatRms);
