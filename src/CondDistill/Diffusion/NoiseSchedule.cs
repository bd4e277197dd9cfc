using System.Collections.ObjectModel;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Diffusion;

/// <summary>
/// A discrete variance-preserving noise schedule over t = 0..T-1 (method.md section 1):
/// abar_t = prod_{i &lt;= t} (1 - beta_i), alpha_t = sqrt(abar_t), sigma_t = sqrt(1 - abar_t),
/// log-SNR_t = log(abar_t / (1 - abar_t)) = 2 log(alpha_t / sigma_t). Immutable; every value is
/// computed once in float64.
/// </summary>
/// <remarks>
/// Terminal values at T = 1000 (abar_999): cosine 2.43e-9 (alpha 4.9e-5, log-SNR -19.8: near zero
/// terminal SNR, the default for pixels); linear 4.04e-5 (alpha 6.4e-3); scaled-linear 4.66e-3
/// (alpha 0.068: noticeable signal left at t = T-1, meant for latents).
/// </remarks>
public sealed class NoiseSchedule
{
    /// <summary>The number of discrete timesteps used throughout the project.</summary>
    public const int DefaultNumTimesteps = 1000;

    /// <summary>Name of the cosine schedule (Nichol and Dhariwal 2021), the default for pixels.</summary>
    public const string CosineName = "cosine";

    /// <summary>Name of the DDPM linear-beta schedule (beta 1e-4 .. 0.02).</summary>
    public const string LinearName = "linear";

    /// <summary>Name of Stable Diffusion's scaled-linear schedule (sqrt(beta) linear 0.00085 .. 0.012).</summary>
    public const string ScaledLinearName = "scaled-linear";

    /// <summary>The names <see cref="FromName"/> accepts.</summary>
    public static IReadOnlyList<string> AllowedNames { get; } = [CosineName, LinearName, ScaledLinearName];

    /// <summary>Largest beta the cosine schedule allows (as in improved-diffusion and diffusers).</summary>
    public const double CosineMaxBeta = 0.999;

    private readonly double[] _alphaBars;
    private readonly double[] _alphas;
    private readonly double[] _sigmas;
    private readonly double[] _logSnrs;

    private NoiseSchedule(string name, double[] betas)
    {
        Name = name;
        NumTimesteps = betas.Length;
        _alphaBars = new double[betas.Length];
        double product = 1.0;
        for (int t = 0; t < betas.Length; t++)
        {
            product *= 1.0 - betas[t];
            _alphaBars[t] = product;
        }
        _alphas = Array.ConvertAll(_alphaBars, Math.Sqrt);
        _sigmas = Array.ConvertAll(_alphaBars, abar => Math.Sqrt(1.0 - abar));
        _logSnrs = Array.ConvertAll(_alphaBars, abar => Math.Log(abar) - Math.Log(1.0 - abar));
        AlphaBars = new ReadOnlyCollection<double>(_alphaBars);
        Alphas = new ReadOnlyCollection<double>(_alphas);
        Sigmas = new ReadOnlyCollection<double>(_sigmas);
        LogSnrs = new ReadOnlyCollection<double>(_logSnrs);
    }

    /// <summary>The schedule's name, one of <see cref="AllowedNames"/>.</summary>
    public string Name { get; }

    /// <summary>T, the number of discrete timesteps; valid t are 0..T-1.</summary>
    public int NumTimesteps { get; }

    /// <summary>abar_t for t = 0..T-1 (strictly decreasing).</summary>
    public IReadOnlyList<double> AlphaBars { get; }

    /// <summary>alpha_t = sqrt(abar_t) for t = 0..T-1.</summary>
    public IReadOnlyList<double> Alphas { get; }

    /// <summary>sigma_t = sqrt(1 - abar_t) for t = 0..T-1.</summary>
    public IReadOnlyList<double> Sigmas { get; }

    /// <summary>log-SNR_t = 2 log(alpha_t / sigma_t) for t = 0..T-1.</summary>
    public IReadOnlyList<double> LogSnrs { get; }

    /// <summary>Creates a schedule by name: "cosine", "linear" or "scaled-linear" (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="AllowedNames"/>.</exception>
    public static NoiseSchedule FromName(string name, int numTimesteps = DefaultNumTimesteps)
    {
        string key = (name ?? string.Empty).Trim().ToLowerInvariant();
        return key switch
        {
            CosineName => Cosine(numTimesteps),
            LinearName => Linear(numTimesteps),
            ScaledLinearName => ScaledLinear(numTimesteps),
            _ => throw new ArgumentException(
                $"Noise schedule '{name}' is not recognised: allowed names are {string.Join(", ", AllowedNames.Select(n => $"'{n}'"))}.",
                nameof(name)),
        };
    }

    /// <summary>
    /// Cosine schedule: f(u) = cos(((u + 0.008) / 1.008) * pi / 2)^2,
    /// beta_i = min(1 - f((i + 1) / T) / f(i / T), 0.999), abar = cumprod(1 - beta). The clip at
    /// 0.999 only acts on the last step, which keeps abar_{T-1} (2.4e-9 at T = 1000) above zero.
    /// </summary>
    public static NoiseSchedule Cosine(int numTimesteps = DefaultNumTimesteps)
    {
        RequirePositive(numTimesteps);
        static double F(double u) => Math.Pow(Math.Cos((u + 0.008) / 1.008 * Math.PI / 2.0), 2);
        var betas = new double[numTimesteps];
        for (int i = 0; i < numTimesteps; i++)
            betas[i] = Math.Min(1.0 - F((i + 1.0) / numTimesteps) / F((double)i / numTimesteps), CosineMaxBeta);
        return new NoiseSchedule(CosineName, betas);
    }

    /// <summary>DDPM linear schedule: beta linear from 1e-4 to 0.02 over the T steps.</summary>
    public static NoiseSchedule Linear(int numTimesteps = DefaultNumTimesteps)
    {
        RequirePositive(numTimesteps);
        return new NoiseSchedule(LinearName, LinearSpace(1e-4, 0.02, numTimesteps));
    }

    /// <summary>Stable Diffusion's scaled-linear schedule: sqrt(beta) linear from sqrt(0.00085) to sqrt(0.012).</summary>
    public static NoiseSchedule ScaledLinear(int numTimesteps = DefaultNumTimesteps)
    {
        RequirePositive(numTimesteps);
        double[] roots = LinearSpace(Math.Sqrt(0.00085), Math.Sqrt(0.012), numTimesteps);
        return new NoiseSchedule(ScaledLinearName, Array.ConvertAll(roots, r => r * r));
    }

    /// <summary>abar_t.</summary>
    public double AlphaBar(int t) => _alphaBars[CheckTimestep(t)];

    /// <summary>alpha_t = sqrt(abar_t).</summary>
    public double Alpha(int t) => _alphas[CheckTimestep(t)];

    /// <summary>sigma_t = sqrt(1 - abar_t).</summary>
    public double Sigma(int t) => _sigmas[CheckTimestep(t)];

    /// <summary>log-SNR_t = 2 log(alpha_t / sigma_t).</summary>
    public double LogSnr(int t) => _logSnrs[CheckTimestep(t)];

    /// <summary>abar as a [T] tensor (float32 unless <paramref name="dtype"/> says otherwise).</summary>
    public Tensor AlphaBarsTensor(Device? device = null, ScalarType dtype = ScalarType.Float32) => ToTensor(_alphaBars, device, dtype);

    /// <summary>alpha as a [T] tensor.</summary>
    public Tensor AlphasTensor(Device? device = null, ScalarType dtype = ScalarType.Float32) => ToTensor(_alphas, device, dtype);

    /// <summary>sigma as a [T] tensor.</summary>
    public Tensor SigmasTensor(Device? device = null, ScalarType dtype = ScalarType.Float32) => ToTensor(_sigmas, device, dtype);

    /// <summary>log-SNR as a [T] tensor.</summary>
    public Tensor LogSnrsTensor(Device? device = null, ScalarType dtype = ScalarType.Float32) => ToTensor(_logSnrs, device, dtype);

    /// <summary>
    /// Gathers alpha_t and sigma_t for an int64 timestep tensor <paramref name="t"/> of shape [B],
    /// shaped [B, 1, ..., 1] with <paramref name="rank"/> dimensions (4 for images) on t's device,
    /// ready to broadcast against [B, C, H, W]. Values are looked up in float64 and then cast.
    /// </summary>
    /// <exception cref="ArgumentException">t is not a 1-D int64 tensor with values in 0..T-1.</exception>
    public (Tensor Alpha, Tensor Sigma) Gather(Tensor t, int rank = 4, ScalarType dtype = ScalarType.Float32)
    {
        if (t.dim() != 1 || t.dtype != ScalarType.Int64)
            throw new ArgumentException($"NoiseSchedule.Gather: t must be an int64 tensor of shape [B]; got {t.dtype} of shape [{string.Join(", ", t.shape)}].", nameof(t));
        if (rank < 1) throw new ArgumentOutOfRangeException(nameof(rank), rank, "rank must be at least 1.");
        if (t.numel() > 0)
        {
            long min = t.min().item<long>(), max = t.max().item<long>();
            if (min < 0 || max >= NumTimesteps)
                throw new ArgumentException($"NoiseSchedule.Gather: t must lie in 0..{NumTimesteps - 1}; got values from {min} to {max}.", nameof(t));
        }
        using var scope = NewDisposeScope();
        long[] shape = new long[rank];
        Array.Fill(shape, 1L);
        shape[0] = t.shape[0];
        Tensor alpha = ToTensor(_alphas, t.device, ScalarType.Float64).index_select(0, t).to_type(dtype).reshape(shape);
        Tensor sigma = ToTensor(_sigmas, t.device, ScalarType.Float64).index_select(0, t).to_type(dtype).reshape(shape);
        return (alpha.MoveToOuterDisposeScope(), sigma.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (T = {NumTimesteps})";

    private int CheckTimestep(int t) =>
        t >= 0 && t < NumTimesteps ? t
            : throw new ArgumentOutOfRangeException(nameof(t), t, $"Timestep must lie in 0..{NumTimesteps - 1} for the {Name} schedule.");

    private static Tensor ToTensor(double[] values, Device? device, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        return tensor(values, ScalarType.Float64).to(dtype, device ?? CPU).MoveToOuterDisposeScope();
    }

    private static double[] LinearSpace(double start, double end, int count)
    {
        // Same arithmetic as numpy.linspace: start + i * step, with the last value exactly end.
        var values = new double[count];
        double step = (end - start) / (count - 1);
        for (int i = 0; i < count; i++) values[i] = start + i * step;
        values[count - 1] = end;
        return values;
    }

    private static void RequirePositive(int numTimesteps)
    {
        if (numTimesteps < 2)
            throw new ArgumentOutOfRangeException(nameof(numTimesteps), numTimesteps, "A noise schedule needs at least 2 timesteps.");
    }
}
