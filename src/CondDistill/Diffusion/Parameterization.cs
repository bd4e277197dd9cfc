using static TorchSharp.torch;

namespace CondDistill.Diffusion;

/// <summary>
/// Conversions between the clean sample x, the noise eps, the noisy sample z_t = alpha_t x + sigma_t eps
/// and the v-prediction v = alpha_t eps - sigma_t x (method.md section 1). Pure functions: alpha and
/// sigma are tensors broadcastable to the data (e.g. [B, 1, 1, 1] from <see cref="NoiseSchedule.Gather"/>).
/// All identities use alpha^2 + sigma^2 = 1.
/// </summary>
public static class Parameterization
{
    /// <summary>Forward diffusion: z_t = alpha_t x + sigma_t eps.</summary>
    public static Tensor Diffuse(Tensor x, Tensor eps, Tensor alpha, Tensor sigma) => alpha * x + sigma * eps;

    /// <summary>Clean-sample estimate from a v-prediction w: x_hat = alpha z - sigma w.</summary>
    public static Tensor XFromV(Tensor z, Tensor v, Tensor alpha, Tensor sigma) => alpha * z - sigma * v;

    /// <summary>Noise estimate from a v-prediction w: eps_hat = alpha w + sigma z.</summary>
    public static Tensor EpsFromV(Tensor z, Tensor v, Tensor alpha, Tensor sigma) => alpha * v + sigma * z;

    /// <summary>The v target from clean sample and noise: v = alpha eps - sigma x.</summary>
    public static Tensor VFromXEps(Tensor x, Tensor eps, Tensor alpha, Tensor sigma) => alpha * eps - sigma * x;

    /// <summary>The noise implied by z and x: eps = (z - alpha x) / sigma (needs sigma &gt; 0).</summary>
    public static Tensor EpsFromZX(Tensor z, Tensor x, Tensor alpha, Tensor sigma) => (z - alpha * x) / sigma;

    /// <summary>The clean sample implied by z and eps: x = (z - sigma eps) / alpha (needs alpha &gt; 0).</summary>
    public static Tensor XFromZEps(Tensor z, Tensor eps, Tensor alpha, Tensor sigma) => (z - sigma * eps) / alpha;

    /// <summary>
    /// The v implied by z and x: v = (alpha z - x) / sigma (from x = alpha z - sigma v; needs sigma &gt; 0).
    /// This is what a perfect denoiser of a known x returns.
    /// </summary>
    public static Tensor VFromZX(Tensor z, Tensor x, Tensor alpha, Tensor sigma) => (alpha * z - x) / sigma;
}
