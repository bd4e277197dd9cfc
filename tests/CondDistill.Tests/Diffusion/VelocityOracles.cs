using CondDistill.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Diffusion;

/// <summary>Closed-form stand-ins for a network, for sampler tests.</summary>
internal static class VelocityOracles
{
    /// <summary>The true v for a fixed clean sample x: v = alpha eps_implied - sigma x, eps_implied = (z - alpha x) / sigma.</summary>
    public static VelocityModel TrueVOf(Tensor x, NoiseSchedule schedule) => (z, t) =>
    {
        var (alpha, sigma) = schedule.Gather(t, (int)z.dim(), z.dtype);
        Tensor epsImplied = Parameterization.EpsFromZX(z, x, alpha, sigma);
        return Parameterization.VFromXEps(x, epsImplied, alpha, sigma);
    };

    /// <summary>
    /// The exact posterior-mean denoiser of Gaussian data x ~ N(mu, s^2 I), returned as a v-prediction:
    /// x_hat = mu + alpha s^2 / (alpha^2 s^2 + sigma^2) (z - alpha mu), v = (alpha z - x_hat) / sigma.
    /// Computed in float64 and cast back to z's dtype.
    /// </summary>
    public static VelocityModel GaussianData(Tensor mu, double s, NoiseSchedule schedule) => (z, t) =>
    {
        var (alpha, sigma) = schedule.Gather(t, (int)z.dim(), ScalarType.Float64);
        Tensor z64 = z.to_type(ScalarType.Float64), mu64 = mu.to_type(ScalarType.Float64);
        Tensor xHat = mu64 + alpha * (s * s) / (alpha * alpha * (s * s) + sigma * sigma) * (z64 - alpha * mu64);
        return Parameterization.VFromZX(z64, xHat, alpha, sigma).to_type(z.dtype);
    };

    /// <summary>Wraps a model and records the (single, shared) timestep of every call.</summary>
    public static VelocityModel Recording(VelocityModel inner, List<long> calls) => (z, t) =>
    {
        long[] values = t.data<long>().ToArray();
        Assert.All(values, value => Assert.Equal(values[0], value));
        calls.Add(values[0]);
        return inner(z, t);
    };

    /// <summary>A model that always predicts v = 0 (then x_hat = alpha z and eps_hat = sigma z).</summary>
    public static VelocityModel Zero => (z, _) => zeros_like(z);

    public static Tensor FromDoubles(double[] values, params long[] shape) =>
        tensor(values, ScalarType.Float64).reshape(shape).to_type(ScalarType.Float32);

    public static double MaxAbsDifference(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max().item<double>();
    }

    public static double MaxAbsDifference(Tensor a, double[] expected)
    {
        using var scope = NewDisposeScope();
        return MaxAbsDifference(a, tensor(expected, ScalarType.Float64).reshape(a.shape));
    }
}
