using System.Globalization;
using System.Text;
using CondDistill.Diffusion;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// Measures, timestep by timestep, how a velocity model's predictions relate to the truth on
/// forward-diffused images z_t = alpha_t x + sigma_t eps: the x error, the eps error and the slope of
/// eps_hat on eps. A few-step sampler's last step is a single denoising at its lowest visited t
/// (200 for the N = 50 grid at 4 steps), so a model whose slope there is well below 1 leaves that
/// share of the noise in its output. This is how the workbench diagnoses noisy few-step samples.
/// </summary>
public static class DenoisingProbe
{
    /// <summary>The timesteps probed by default: both ends of the grid and the 4-step grid sampler's points.</summary>
    public static IReadOnlyList<int> DefaultTimesteps { get; } = [0, 20, 40, 100, 200, 460, 720, 980];

    /// <summary>Seed of the noise of image 0 at t = 0 (image i at timestep t uses <see cref="NoiseSeed"/>).</summary>
    public const long DefaultSeedBase = 2_000_000;

    /// <summary>The seed of image <paramref name="index"/>'s noise at <paramref name="timestep"/>: independent of batch size.</summary>
    public static long NoiseSeed(long seedBase, int timestep, int index) => seedBase + 1_000_000L * timestep + index;

    /// <summary>
    /// Probes <paramref name="model"/> (a velocity model with its condition bound, if any) on the clean
    /// images <paramref name="x"/> at each of <paramref name="timesteps"/>, without gradients.
    /// </summary>
    /// <param name="model">The velocity model v(z, t).</param>
    /// <param name="schedule">The noise schedule.</param>
    /// <param name="x">Clean images [B, C, H, W].</param>
    /// <param name="timesteps">Timesteps in 0..T-1.</param>
    /// <param name="seedBase">Noise seed base (<see cref="NoiseSeed"/>).</param>
    public static IReadOnlyList<DenoisingProbePoint> Measure(VelocityModel model, NoiseSchedule schedule, Tensor x, IReadOnlyList<int> timesteps, long seedBase = DefaultSeedBase)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(timesteps);
        if (x.dim() != 4) throw new ArgumentException($"DenoisingProbe: x must be [B, C, H, W]; got [{string.Join(", ", x.shape)}].", nameof(x));
        foreach (int t in timesteps)
        {
            if (t < 0 || t >= schedule.NumTimesteps)
                throw new ArgumentOutOfRangeException(nameof(timesteps), t, $"DenoisingProbe: timesteps must lie in 0..{schedule.NumTimesteps - 1}.");
        }
        int batch = (int)x.shape[0];
        var points = new List<DenoisingProbePoint>();
        using var noGrad = no_grad();
        foreach (int t in timesteps)
        {
            using var scope = NewDisposeScope();
            var seeds = Enumerable.Range(0, batch).Select(i => NoiseSeed(seedBase, t, i)).ToArray();
            var eps = SeededNoise.Normal([x.shape[1], x.shape[2], x.shape[3]], seeds, x.device, x.dtype);
            var tt = full(batch, (long)t, ScalarType.Int64, x.device);
            var (alpha, sigma) = schedule.Gather(tt, 4, x.dtype);
            var z = Parameterization.Diffuse(x, eps, alpha, sigma);
            var w = model(z, tt);
            var xHat = Parameterization.XFromV(z, w, alpha, sigma);
            var epsHat = Parameterization.EpsFromV(z, w, alpha, sigma);
            double Scalar(Tensor value) => value.to_type(ScalarType.Float64).cpu().item<double>();
            points.Add(new DenoisingProbePoint(t, schedule.Alpha(t), schedule.Sigma(t),
                XMse: Scalar((xHat - x).pow(2).mean()),
                EpsMse: Scalar((epsHat - eps).pow(2).mean()),
                EpsSlope: Scalar((epsHat * eps).sum()) / Scalar((eps * eps).sum()),
                EpsHatRms: Math.Sqrt(Scalar(epsHat.pow(2).mean()))));
        }
        return points;
    }

    /// <summary>A markdown table of the points, one row per timestep.</summary>
    public static string ToMarkdown(IReadOnlyList<DenoisingProbePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var text = new StringBuilder();
        text.AppendLine("| t | alpha_t | sigma_t | x MSE | eps MSE | slope of eps_hat on eps | rms eps_hat |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in points)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {p.Timestep} | {p.Alpha:F4} | {p.Sigma:F4} | {p.XMse:F5} | {p.EpsMse:F4} | {p.EpsSlope:F3} | {p.EpsHatRms:F3} |"));
        return text.ToString();
    }
}
